using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Schedules;

/// <summary>The v-parameterization conversions (arXiv 2202.00512, appendix D) against closed forms.</summary>
public sealed class NoiseScheduleVelocityTests
{
    [TestCase("linear")]
    [TestCase("cosine")]
    public void PredictEpsFromVelocity_ExactV_RecoversEps(string type)
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = type, NumTimesteps = 1000 });
        using var g = new Generator(7);
        using var scope = NewDisposeScope();
        var x0 = randn([5, 2], generator: g);
        var eps = randn([5, 2], generator: g);
        var t = tensor(new long[] { 0, 1, 250, 500, 999 });
        var xt = schedule.QSample(x0, t, eps);
        var v = schedule.VelocityTarget(x0, t, eps);
        Assert.That(schedule.PredictEpsFromVelocity(xt, t, v).allclose(eps, rtol: 1e-4, atol: 1e-4), Is.True);
    }

    [Test]
    public void VelocityTarget_MatchesClosedForm()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 1000 });
        using var scope = NewDisposeScope();
        var x0 = tensor(new float[] { 1f, -2f }).reshape(2, 1);
        var eps = tensor(new float[] { 0.5f, 3f }).reshape(2, 1);
        var t = tensor(new long[] { 10, 900 });
        var v = schedule.VelocityTarget(x0, t, eps).data<float>().ToArray();
        for (var i = 0; i < 2; i++)
        {
            int step = i == 0 ? 10 : 900;
            double a = schedule.SqrtAlphaBars[step], s = schedule.SqrtOneMinusAlphaBars[step];
            double expected = a * (i == 0 ? 0.5 : 3) - s * (i == 0 ? 1 : -2);
            Assert.That(v[i], Is.EqualTo(expected).Within(1e-5));
        }
    }
}
