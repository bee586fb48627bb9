using Research.Core.Adversarial;
using Research.Core.Parameterizations;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Gan;

/// <summary>D's accuracy per step index (<see cref="GanDiagnostics.AccuracyPerStep"/>) and its option in both adversarial families.</summary>
[NonParallelizable]
public sealed class GanDiagnosticsTests
{
    [Test]
    public void AccuracyPerStep_HandCase_CountsEachStepAndAbsentStepsReadOneHalf()
    {
        using var scope = NewDisposeScope();
        var parts = new Dictionary<string, Tensor>();
        var t = tensor(new long[] { 0, 0, 1, 2 });
        var real = tensor(new float[] { 1, -1, 1, 1 }).reshape(4, 1);
        var fake = tensor(new float[] { -1, -1, 1, -1 }).reshape(4, 1);
        GanDiagnostics.AccuracyPerStep(parts, real, fake, t, 4);
        // t0: real right once of two, fake right twice → 3/4; t1: real right, fake wrong → 1/2; t2: both right; t3 absent.
        Assert.That(parts.Keys, Is.EquivalentTo(new[] { "d_acc_t0", "d_acc_t1", "d_acc_t2", "d_acc_t3" }));
        Assert.That(parts["d_acc_t0"].item<float>(), Is.EqualTo(0.75f));
        Assert.That(parts["d_acc_t1"].item<float>(), Is.EqualTo(0.5f));
        Assert.That(parts["d_acc_t2"].item<float>(), Is.EqualTo(1f));
        Assert.That(parts["d_acc_t3"].item<float>(), Is.EqualTo(0.5f));
    }

    [TestCase("ddgan")]
    [TestCase("siddm")]
    public void LogAccuracyPerStep_On_DiscriminatorTermLogsOnePartPerStepInRange(string family)
    {
        using var s = GanTestKit.Session(family, "log_accuracy_per_step=true");
        using var scope = NewDisposeScope();
        var batch = s.Data.NextBatch(16, s.DataGenerator);
        var d = s.Parameterization.LossTerms(batch, new StepInfo(0, s.TrainGenerator)).First();
        d.Compute();
        for (int k = 0; k < 4; k++)
            Assert.That(d.Parts[$"d_acc_t{k}"].item<float>(), Is.InRange(0f, 1f), $"{family} d_acc_t{k}");
        using var off = GanTestKit.Session(family);
        var dOff = off.Parameterization.LossTerms(batch, new StepInfo(0, off.TrainGenerator)).First();
        dOff.Compute();
        Assert.That(dOff.Parts.Keys, Has.None.StartsWith("d_acc"));
    }
}
