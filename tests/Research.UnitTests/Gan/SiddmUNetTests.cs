using Research.Core.Backbones;
using Research.Core.Configuration;
using Research.Models.UNet;
using Research.Training.Loop;
using Research.UnitTests.Contracts;
using TorchSharp;

namespace Research.UnitTests.Gan;

/// <summary>SIDDM (arXiv 2306.12511) on the <c>unet</c> backbone: its discriminator is <see cref="UNetDiscriminator"/>.</summary>
[NonParallelizable]
public sealed class SiddmUNetTests
{
    // A tiny image run: 8×8 synthetic images, an 8-channel two-level UNet, T = 4, batch 4.
    private static TrainingSession Session(params string[] options)
    {
        var dir = Directory.CreateTempSubdirectory("siddm-unet-").FullName;
        try
        {
            var path = Path.Combine(dir, "siddm-unet.json");
            File.WriteAllText(path, """
            {
              "name": "siddm-unet", "device": "cpu",
              "data": { "type": "synthetic-images", "options": { "count": 32, "image_size": 8 } },
              "backbone": { "type": "unet", "options": { "image_size": 8, "model_channels": 8, "num_res_blocks": 1, "attention_resolutions": [4],
                                                        "channel_mult": [1, 2], "num_heads": 2, "num_groups": 4, "n_mlp": 1 } },
              "schedule": { "type": "ddgan-vp", "num_timesteps": 4 },
              "parameterization": { "type": "siddm" },
              "training": { "steps": 4, "batch_size": 4, "log_every": 1, "checkpoint_every": 1000 }
            }
            """);
            var sets = options.Select(o => "parameterization.options." + o).ToArray();
            return TestExperiments.Session(ExperimentLoader.Load(path, sets, TestExperiments.Registry).Runs.Single());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestCase]
    [TestCase("afd_trains_trunk=false")]
    [TestCase("minibatch_std_group=0", "use_entropy_head=false")]
    public void LossTerms_ThreeSteps_FiniteAndGradientsReachOnlyTheNamedNetwork(params string[] options)
    {
        using var s = Session(options);
        var d = (Backbone)s.Parameterization.Networks["discriminator"];
        Assert.That(d, Is.InstanceOf<UNetDiscriminator>());
        Assert.That(d.named_parameters().Select(p => p.name), Has.Some.StartsWith("heads.denoiser.").And.Some.StartsWith("output_blocks."));
        for (long step = 0; step < 3; step++)
            foreach (var t in GanTestKit.Terms(s, step))
            {
                Assert.That(float.IsFinite(t.Loss), Is.True, $"step {step}: {t.Name} = {t.Loss}");
                Assert.That(t.WithGrad, Is.EquivalentTo(new[] { t.Network }), $"step {step}: {t.Name}: networks with gradients");
            }
    }

    [Test]
    public void Train_TinyUNet_FiniteLoggedLossesAndConstantLiveTensors()
    {
        using var s = Session();
        var trainer = new Trainer(s, null);
        var (before, after) = TestExperiments.LiveTensorsAcross(trainer, s, warmup: 2, total: 5);
        Assert.That(after, Is.EqualTo(before), $"live tensors grew from {before} to {after} over 3 SIDDM UNet steps");
        Assert.That(trainer.SkippedSteps, Is.Zero, "no step was skipped as non-finite");
        var last = trainer.History[^1];
        foreach (var key in new[] { "d_real", "d_fake", "d_afd", "d_den", "g_adv", "g_ce", "g_ent" })
        {
            Assert.That(last.ContainsKey(key), Is.True, $"logged {key}");
            var value = (double)last[key];
            Assert.That(double.IsFinite(value), Is.True, $"{key} = {value}");
        }
    }
}
