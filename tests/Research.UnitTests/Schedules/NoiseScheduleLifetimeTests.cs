using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Schedules;

/// <summary>Tensor ownership: no leaked intermediates, results belong to the caller's scope, tables outlive scopes.</summary>
[NonParallelizable]
public sealed class NoiseScheduleLifetimeTests
{
    private static long Live => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    // Calls every tensor operation once and disposes what it returned.
    private static void RunAll(NoiseSchedule s, Tensor x0, Tensor eps, Tensor t)
    {
        using var xt = s.QSample(x0, t, eps);
        using var step = s.QStep(x0, t, eps);
        using var mean = s.QPosteriorMean(x0, xt, t);
        using var variance = s.QPosteriorVariance(t, x0.dim());
        using var logVariance = s.QPosteriorLogVarianceClipped(t, x0.dim());
        using var sample = s.QPosteriorSample(x0, xt, t, eps);
        using var x0Pred = s.PredictX0FromEps(xt, t, eps);
        using var epsPred = s.PredictEpsFromX0(xt, t, x0);
        var (xPrev, xNext) = s.ForwardPair(x0, t, eps, eps);
        xPrev.Dispose();
        xNext.Dispose();
        using var sigma = s.DdimSigma(t, 0.5, x0.dim());
        using var ddim = s.DdimStep(x0, eps, t, 0.5, eps);
        using var extracted = s.Extract(ScheduleCoefficient.SqrtBetas, t, x0.dim());
        using var mapped = s.MapTimesteps(t);
    }

    [Test]
    public void Operations_OutsideAnyScope_LeaveNoLiveTensorsOnceResultsAreDisposed()
    {
        using var original = NoiseSchedule.Create(new ScheduleOptions());
        using var s = original.Respace("ddim50");
        using var x0 = ones(3, 2, 4, 4);
        using var eps = ones(3, 2, 4, 4);
        using var t = tensor(new long[] { 0, 7, 49 });
        RunAll(s, x0, eps, t); // builds the tables
        var before = Live;
        RunAll(s, x0, eps, t);
        RunAll(s, x0, eps, t);
        Assert.That(Live, Is.EqualTo(before), "every intermediate was disposed");
    }

    [Test]
    public void Dispose_ReleasesEveryTable()
    {
        using var x0 = ones(3, 2);
        using var eps = ones(3, 2);
        using var t = tensor(new long[] { 0, 1, 3 });
        var before = Live;
        var s = NoiseSchedule.Create(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = 4 });
        RunAll(s, x0, eps, t);
        Assert.That(Live, Is.GreaterThan(before), "tables exist while the schedule lives");
        s.Dispose();
        Assert.That(Live, Is.EqualTo(before));
        Assert.Throws<ObjectDisposedException>(() => s.QSample(x0, t, eps));
        Assert.That(s.Betas, Has.Count.EqualTo(4), "float64 tables stay readable");
    }

    [Test]
    public void Results_InsideScope_AreDisposedWithTheScopeButArgumentsAreNot()
    {
        using var s = NoiseSchedule.Create(new ScheduleOptions { Type = "cosine" });
        using var x0 = ones(2, 3);
        using var eps = ones(2, 3);
        using var t = tensor(new long[] { 5, 999 });
        Tensor xt, xPrev, xNext;
        using (NewDisposeScope())
        {
            xt = s.QSample(x0, t, eps);
            (xPrev, xNext) = s.ForwardPair(x0, t, eps, eps);
        }
        Assert.That((xt.IsInvalid, xPrev.IsInvalid, xNext.IsInvalid), Is.EqualTo((true, true, true)));
        Assert.That((x0.IsInvalid, eps.IsInvalid, t.IsInvalid), Is.EqualTo((false, false, false)));
    }

    [Test]
    public void Tables_FirstBuiltInsideScope_SurviveTheScope()
    {
        using var s = NoiseSchedule.Create(new ScheduleOptions());
        using var x0 = ones(2, 3);
        using var eps = zeros(2, 3);
        using var t = tensor(new long[] { 0, 999 });
        using (NewDisposeScope())
        {
            s.QSample(x0, t, eps);
            s.MapTimesteps(t);
        }
        using var xt = s.QSample(x0, t, eps);
        using var mapped = s.MapTimesteps(t);
        Assert.That(xt[1, 0].item<float>(), Is.EqualTo(s.SqrtAlphaBars[999]).Within(1e-5).Percent);
        Assert.That(mapped.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 999 }));
    }
}
