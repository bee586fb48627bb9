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

        /// <summary>At the NaN steps, make the gradient NaN and leave the loss finite (instead of a NaN loss).</summary>
        public bool GradientOnly { get; set; }
    }

    private sealed class NanFamily(NanOptions o, BuildContext c) : OneNetworkTestFamily(c)
    {
        public override IEnumerable<LossTerm> LossTerms(TrainBatch batch, StepInfo step)
        {
            yield return new LossTerm("denoiser", "loss", () =>
            {
                var output = Forward(batch);
                var loss = output.pow(2).mean();
                if (step.Step < o.NanFrom || step.Step > o.NanTo) return loss;
                // √|0·y| is 0, but its derivative is ∞·0 = NaN: a finite loss with a NaN gradient.
                return o.GradientOnly ? loss + output.mul(0).abs().sqrt().sum() : loss * double.NaN;
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

    [Test]
    public void Train_NonFiniteGradientWithFiniteLoss_SkippedAndWeightsUntouched()
    {
        var registry = RegistryWithNanFamily();
        var run = TestExperiments.Tiny(registry, "test-nan", sets:
            ["parameterization.options.nan_from=3", "parameterization.options.nan_to=3", "parameterization.options.gradient_only=true", "training.steps=3"]);
        using var s = TestExperiments.Session(run, registry);
        var trainer = new Trainer(s, null);
        trainer.Train();
        using var before = Weights(s);
        s.Options.Training.Steps = 4;
        trainer.Train();                                   // step 3: loss finite, gradient NaN → skipped
        using var after = Weights(s);
        Assert.That(trainer.SkippedSteps, Is.EqualTo(1));
        Assert.That(TestTensors.AreIdentical(before, after), Is.True, "a NaN gradient must not reach the weights");
    }

    // With the guard on, the trainer reads the gradient norm and skips clipping's multiply-by-1 when the norm is within
    // bounds; with it off, clipping runs entirely on the device. Both must train to the same bits, over a run in which
    // some steps clip and some do not.
    [Test]
    public void Train_GuardOnAndOff_ClipToIdenticalWeights()
    {
        string[] Sets(double clip, bool guard) => ["training.steps=30", "training.log_every=1", $"training.grad_clip={clip.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", $"training.nan_guard={(guard ? "true" : "false")}"];
        List<double> Norms(Trainer t) => t.History.Select(l => (double)l["grad_norm.denoiser"]).ToList();

        double clip;
        using (var probe = TestExperiments.Session(TestExperiments.Tiny("ddpm-eps", 0, Sets(1e6, true))))
        {
            var t = new Trainer(probe, null);
            t.Train();
            var sorted = Norms(t).Order().ToList();
            clip = sorted[sorted.Count / 2];
        }
        using var on = TestExperiments.Session(TestExperiments.Tiny("ddpm-eps", 0, Sets(clip, true)));
        using var off = TestExperiments.Session(TestExperiments.Tiny("ddpm-eps", 0, Sets(clip, false)));
        var onTrainer = new Trainer(on, null);
        onTrainer.Train();
        new Trainer(off, null).Train();
        var norms = Norms(onTrainer);
        Assert.That(norms.Count(n => n > clip), Is.GreaterThanOrEqualTo(3), "some steps must clip");
        Assert.That(norms.Count(n => n < clip), Is.GreaterThanOrEqualTo(3), "some steps must not clip");
        using var a = cat(on.Parameterization.Networks["denoiser"].parameters().Select(p => p.detach().flatten()).ToArray());
        using var b = cat(off.Parameterization.Networks["denoiser"].parameters().Select(p => p.detach().flatten()).ToArray());
        Assert.That(TestTensors.AreIdentical(a, b), Is.True);
    }
}
