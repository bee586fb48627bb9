using Microsoft.Extensions.DependencyInjection;
using Research.Core.Backbones;
using Research.Core.Data;
using Research.Core.Parameterizations;
using Research.Core.Registry;
using Research.Training;
using Research.Training.Loop;
using Research.Training.Runs;
using Research.UnitTests.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Training;

[NonParallelizable]
public class NanGuardTests
{
    /// <summary>Options of a test family whose loss is NaN at chosen steps.</summary>
    public sealed class NanOptions
    {
        public long NanFrom { get; set; } = -1;
        public long NanTo { get; set; } = -1;
    }

    private sealed class NanFamily(NanOptions o, BuildContext c) : OneNetworkTestFamily(c)
    {
        public override IEnumerable<LossTerm> LossTerms(TrainBatch batch, StepInfo step)
        {
            yield return new LossTerm("denoiser", "loss", () =>
            {
                var loss = Forward(batch).pow(2).mean();
                return step.Step >= o.NanFrom && step.Step <= o.NanTo ? loss * double.NaN : loss;
            });
        }
    }

    private static ComponentRegistry RegistryWithNanFamily() =>
        new ServiceCollection().AddComponentRegistry().AddBuiltInComponents()
            .AddParameterization<NanOptions>("test-nan", "NaN at chosen steps", ["denoiser"], ["denoiser"], (o, c) => new NanFamily(o, c))
            .BuildServiceProvider().GetRequiredService<ComponentRegistry>();

    private static Tensor Weights(TrainingSession s) =>
        cat(s.Parameterization.Networks["denoiser"].parameters().Select(p => p.detach().flatten()).ToArray());

    [Test]
    public void Train_TwoNonFiniteSteps_SkippedCountedAndWeightsUntouched()
    {
        var registry = RegistryWithNanFamily();
        var run = TestExperiments.Tiny(registry, "test-nan", sets: ["parameterization.options.nan_from=3", "parameterization.options.nan_to=4", "training.steps=3"]);
        using var s = TestExperiments.Session(run, registry);
        var trainer = new Trainer(s, null);
        trainer.Train();                                   // steps 0..2, all finite
        using var before = Weights(s);
        s.Options.Training.Steps = 5;
        trainer.Train();                                   // steps 3, 4: NaN → skipped
        using var after = Weights(s);
        Assert.That(trainer.SkippedSteps, Is.EqualTo(2));
        Assert.That(TestTensors.AreIdentical(before, after), Is.True, "a skipped step must not change the weights");
        s.Options.Training.Steps = 8;
        trainer.Train();                                   // finite again
        using var later = Weights(s);
        Assert.That(later.isfinite().all().item<bool>(), Is.True);
        Assert.That(TestTensors.AreIdentical(after, later), Is.False);
    }

    [Test]
    public void Train_ManyNonFiniteInARow_StopsWithMessageAndLastCheckpointIntact()
    {
        var registry = RegistryWithNanFamily();
        var run = TestExperiments.Tiny(registry, "test-nan", sets:
            ["parameterization.options.nan_from=6", "parameterization.options.nan_to=1000", "training.steps=50",
             "training.checkpoint_every=2", "training.max_consecutive_non_finite=3"]);
        var dir = Directory.CreateTempSubdirectory("nan-").FullName;
        try
        {
            using var folder = RunFolder.CreateAt(Path.Combine(dir, "run"), run.ResolvedJson, 0);
            using var s = TestExperiments.Session(run, registry);
            var e = Assert.Throws<TrainingDivergedException>(() => new Trainer(s, folder).Train())!;
            Assert.That(e.Message, Does.Contain("3 consecutive steps").And.Contain("non-finite"));
            var meta = Checkpoint.ReadMetadata(Path.Combine(folder.Checkpoints, "latest.safetensors"));
            Assert.That(meta["step"], Is.EqualTo("6"));
            using var fresh = TestExperiments.Session(run, registry);
            Checkpoint.Load(fresh, Path.Combine(folder.Checkpoints, "latest.safetensors"));
            using var w = Weights(fresh);
            Assert.That(w.isfinite().all().item<bool>(), Is.True);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
