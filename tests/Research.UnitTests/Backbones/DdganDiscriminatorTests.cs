using Research.Core.Backbones;
using Research.Core.Configuration;
using Research.Core.Layers;
using Research.Models.Gan;
using Research.Models.UNet;
using Research.Training.Loop;
using Research.UnitTests.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Backbones;

/// <summary>
/// Backbone <c>ddgan-discriminator</c> (DDGAN's official <c>Discriminator_small</c>, docs/methods.md §4.6) and the per-role
/// backbone type that puts it beside a UNet generator.
/// </summary>
[NonParallelizable]
public sealed class DdganDiscriminatorTests
{
    private static readonly DdganDiscriminatorOptions Tiny = new() { Ngf = 4, ChannelMult = [2, 4, 4], TEmbDim = 16 };

    private static DdganDiscriminator Build(int minibatchStd = 4, DdganDiscriminatorOptions? options = null, params BackboneHead[] heads) =>
        new(options ?? Tiny, new BackboneRequest("discriminator", 2, 1, BackboneOutput.Pooled) { MinibatchStdGroup = minibatchStd, Heads = heads });

    [TestCase(28, 14)]
    [TestCase(7, 3)]
    [TestCase(8, 4)]
    public void FirDownsample_EqualsTheExplicit1331Kernel(int size, int expected)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var x = randn([2, 3, size, size], dtype: float64);
        var k1 = tensor(new double[] { 1, 3, 3, 1 });
        var k = outer(k1, k1).div(64).reshape(1, 1, 4, 4).expand(3, 1, 4, 4).contiguous();
        var reference = nn.functional.conv2d(x, k, strides: [2, 2], padding: [1, 1], groups: 3);
        var y = FirDownsample.Apply(x);
        Assert.That(y.shape, Is.EqualTo(new long[] { 2, 3, expected, expected }));
        Assert.That((y - reference).abs().max().item<double>(), Is.LessThan(1e-12));
    }

    [Test]
    public void Build_ReferenceKeysShapesAndInitialisation()
    {
        manual_seed(0);
        using var d = Build();
        var p = d.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        Assert.That(p.Keys, Is.SupersetOf(new[]
        {
            "t_embed.main.0.weight", "t_embed.main.2.weight", "start_conv.weight", "conv1.conv1.0.weight", "conv1.dense_t1.weight",
            "conv1.skip.0.weight", "conv3.conv2.0.weight", "final_conv.weight", "end_linear.weight",
        }));
        Assert.That(p.Keys, Has.None.StartsWith("conv4"), "three entries of channel_mult → three blocks");
        Assert.That(p["start_conv.weight"].shape, Is.EqualTo(new long[] { 8, 2, 1, 1 }));
        Assert.That(p["conv2.conv1.0.weight"].shape, Is.EqualTo(new long[] { 16, 8, 3, 3 }));
        Assert.That(p["final_conv.weight"].shape, Is.EqualTo(new long[] { 16, 17, 3, 3 }), "one minibatch-std channel");
        Assert.That(p.ContainsKey("conv1.skip.0.bias"), Is.False, "the skip convolution has no bias");
        // The reference's dense_layer init: U(±√(3·scale/fan_out)) (its "fan_avg" mode computes fan_out), zero biases;
        // "zero" layers use scale 1e-10. conv2.conv1: 8 → 16, 3×3, fan_out 144 (a true fan-avg would be 108).
        double limit = Math.Sqrt(3.0 / (16 * 9));
        Assert.That(p["conv2.conv1.0.weight"].abs().max().item<float>(), Is.LessThanOrEqualTo(limit).And.GreaterThan(0.8 * limit));
        // end_linear: 16 → 1, fan_out 1, so its bound is √3; a fan-avg bound, √(3/8.5) ≈ 0.59, could not be exceeded.
        Assert.That(p["end_linear.weight"].abs().max().item<float>(), Is.LessThanOrEqualTo(Math.Sqrt(3)).And.GreaterThan(Math.Sqrt(3 / 8.5)));
        Assert.That(p["conv2.conv2.0.weight"].abs().max().item<float>(), Is.LessThan(1e-4).And.GreaterThan(0));
        Assert.That(p["final_conv.weight"].abs().max().item<float>(), Is.LessThan(1e-4).And.GreaterThan(0));
        Assert.That(p["conv2.conv1.0.bias"].abs().max().item<float>(), Is.Zero);
    }

    // dense_layer.py's variance scaling as the official code computes it: v = scale / fan_out (its "fan_avg" mode
    // returns fan_out), bound √(3v), whatever fan_in is.
    [TestCase(new long[] { 1, 512 }, 1.0)]              // end_linear at CIFAR-10 width: ≈ 16× a fan-avg bound
    [TestCase(new long[] { 128, 6, 1, 1 }, 128.0)]       // start_conv
    [TestCase(new long[] { 64, 16, 3, 3 }, 576.0)]       // a 3×3 conv: fan_out = out × kernel area
    public void DdganUniform_BoundIsFanOut(long[] shape, double fanOut)
    {
        manual_seed(6);
        using var scope = NewDisposeScope();
        var w = empty(shape);
        var b = ones([shape[0]]);
        VarianceScaling.DdganUniform(w, b);
        double bound = Math.Sqrt(3 / fanOut);
        Assert.That(VarianceScaling.FanOut(w), Is.EqualTo(fanOut));
        Assert.That(w.abs().max().item<float>(), Is.LessThanOrEqualTo(bound * (1 + 1e-6)).And.GreaterThan(0.95 * bound));
        Assert.That(b.abs().max().item<float>(), Is.Zero);
        VarianceScaling.DdganUniform(w, null, scale: 0);
        Assert.That(w.abs().max().item<float>(), Is.LessThanOrEqualTo(Math.Sqrt(3e-10 / fanOut) * (1 + 1e-6)).And.GreaterThan(0));
    }

    [Test]
    public void Forward_PooledLogitDependsOnTAndOnlyOnItsMinibatchStdGroup()
    {
        manual_seed(1);
        using var d = Build(minibatchStd: 2);
        using var scope = NewDisposeScope();
        var x = randn([4, 2, 8, 8]);
        var t = tensor(new long[] { 0, 1, 2, 3 });
        var y0 = d.call(x, t, null, null);
        Assert.That(y0.shape, Is.EqualTo(new long[] { 4, 1 }));
        var y1 = d.call(x, tensor(new long[] { 3, 1, 2, 3 }), null, null);
        Assert.That(y1[0].item<float>(), Is.Not.EqualTo(y0[0].item<float>()), "the logit must depend on t");
        Assert.That(y1[1].item<float>(), Is.EqualTo(y0[1].item<float>()));
        // Groups of 2 over a batch of 4: sample 0 is grouped with sample 2, so changing sample 2 moves logit 0 only
        // (and 2), never 1 or 3.
        var x2 = x.clone();
        x2[2].add_(1.0);
        var y2 = d.call(x2, t, null, null);
        Assert.That(y2[0].item<float>(), Is.Not.EqualTo(y0[0].item<float>()));
        Assert.That(y2[1].item<float>(), Is.EqualTo(y0[1].item<float>()));
        Assert.That(y2[3].item<float>(), Is.EqualTo(y0[3].item<float>()));
    }

    [Test]
    public void MinibatchStd_MatchesTheDefinition()
    {
        using var scope = NewDisposeScope();
        var h = tensor(new float[] { 1, 2, 3, 5, 0, 0, 4, 4 }).reshape(4, 2, 1, 1);   // groups of 2: {0, 2}, {1, 3}
        var f = MinibatchStd.Feature(h, 2);
        Assert.That(f.shape, Is.EqualTo(new long[] { 4, 1, 1, 1 }));
        // Group {0, 2}: (1, 2) against (0, 0) → stds 0.5 and 1 → 0.75. Group {1, 3}: (3, 5) against (4, 4) → 0.5 and 0.5.
        double g02 = (Math.Sqrt(0.25 + 1e-8) + Math.Sqrt(1 + 1e-8)) / 2, g13 = Math.Sqrt(0.25 + 1e-8);
        Assert.That(f[0].item<float>(), Is.EqualTo(g02).Within(1e-6));
        Assert.That(f[2].item<float>(), Is.EqualTo(g02).Within(1e-6));
        Assert.That(f[1].item<float>(), Is.EqualTo(g13).Within(1e-6));
    }

    [Test]
    public void ForwardHeads_PooledHeadSharesTheTrunkAndMainEqualsForward()
    {
        manual_seed(2);
        using var d = Build(heads: new BackboneHead("regression", 3, BackboneOutput.Pooled));
        using var scope = NewDisposeScope();
        var x = randn([4, 2, 8, 8]);
        var t = zeros([4], dtype: int64);
        var outputs = d.ForwardHeads(x, t, null, null);
        Assert.That(outputs["regression"].shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(TestTensors.AreIdentical(outputs[BackboneHead.Main], d.call(x, t, null, null)), Is.True);
    }

    [Test]
    public void Build_UnsupportedRequests_ClearErrors()
    {
        var dense = Assert.Throws<ArgumentException>(() => new DdganDiscriminator(Tiny, new BackboneRequest("generator", 1, 1)));
        Assert.That(dense!.Message, Does.Contain("pooled output").And.Contain("unet"));
        var head = Assert.Throws<ArgumentException>(() => Build(heads: new BackboneHead("denoiser", 1)));
        Assert.That(head!.Message, Does.Contain("head 'denoiser' is dense"));
        var latent = Assert.Throws<ArgumentException>(() =>
            new DdganDiscriminator(Tiny, new BackboneRequest("discriminator", 2, 1, BackboneOutput.Pooled) { LatentDim = 4 }));
        Assert.That(latent!.Message, Does.Contain("no latent"));
        var mult = Assert.Throws<ArgumentException>(() => Build(options: new DdganDiscriminatorOptions { ChannelMult = [] }));
        Assert.That(mult!.Message, Does.Contain("channel_mult"));
    }

    [Test]
    public void Train_SeparatesTwoImageSets_LossFalls()
    {
        manual_seed(4);
        using var d = Build(minibatchStd: 0);
        using var opt = optim.Adam(d.parameters(), lr: 2e-3, beta1: 0.5, beta2: 0.9);
        using var g = new Generator(9);
        double first = 0, last = 0;
        for (int step = 0; step < 60; step++)
        {
            using var scope = NewDisposeScope();
            // "Real": a bright square in the centre; "fake": the same noise level, no square.
            var noise = randn([8, 2, 8, 8], generator: g) * 0.3;
            var square = zeros([1, 2, 8, 8]);
            square[.., .., TensorIndex.Slice(2, 6), TensorIndex.Slice(2, 6)] = tensor(1f);
            var t = randint(0, 4, [8], generator: g);
            var loss = nn.functional.softplus(-d.call(noise + square, t, null, null)).mean()
                       + nn.functional.softplus(d.call(noise, t, null, null)).mean();
            opt.zero_grad();
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item<float>();
            if (step >= 55) last += loss.item<float>() / 5;
        }
        TestContext.Out.WriteLine($"D loss {first:F3} → {last:F3}");
        Assert.That(first, Is.EqualTo(2 * Math.Log(2)).Within(0.01), "near-zero init: D starts at 2 ln 2");
        Assert.That(last, Is.LessThan(0.3));
    }

    [Test]
    public void Forward_Repeated_NoLiveTensorsLeft()
    {
        manual_seed(5);
        using var d = Build(heads: new BackboneHead("regression", 2, BackboneOutput.Pooled));
        using var x = randn([4, 2, 8, 8]);
        using var t = zeros([4], dtype: int64);
        void Once()
        {
            using var scope = NewDisposeScope();
            var outputs = d.ForwardHeads(x, t, null, null);
            (outputs[BackboneHead.Main].sum() + outputs["regression"].sum()).backward();
        }
        Once();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++) Once();
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
    }

    [Test]
    public void RoleType_DdganWithUNetGeneratorAndDdganDiscriminator_BuildsTrainsAndRoundTrips()
    {
        var run = TestExperiments.Tiny("ddgan", sets:
        [
            "data={\"type\": \"synthetic-images\", \"options\": {\"count\": 16, \"image_size\": 8}}",
            "backbone={\"type\": \"unet\", \"options\": {\"image_size\": 8, \"model_channels\": 8, \"num_res_blocks\": 1, \"attention_resolutions\": [], \"channel_mult\": [1, 2], \"num_groups\": 4}, " +
            "\"roles\": {\"discriminator\": {\"type\": \"ddgan-discriminator\", \"ngf\": 4, \"channel_mult\": [2, 4], \"t_emb_dim\": 16}}}",
            "training.batch_size=4", "training.steps=3", "sampling=[]",
        ]);
        Assert.That(run.Options.Backbone.TypeFor("discriminator"), Is.EqualTo("ddgan-discriminator"));
        Assert.That(run.Options.Backbone.TypeFor("generator"), Is.EqualTo("unet"));
        Assert.That(((DdganDiscriminatorOptions)run.Options.Backbone.OptionsFor("discriminator")).Ngf, Is.EqualTo(4));
        using (var s = TestExperiments.Session(run))
        {
            Assert.That(s.Parameterization.Networks["discriminator"], Is.InstanceOf<DdganDiscriminator>());
            Assert.That(s.Parameterization.Networks["generator"], Is.InstanceOf<UNetModel>());
            var trainer = new Trainer(s, null);
            trainer.Train();
            Assert.That(trainer.SkippedSteps, Is.Zero);
        }
        // The resolved configuration writes the role flat ({"type": …, options…}) and binds back to the same values.
        Assert.That(run.ResolvedJson, Does.Contain("\"type\": \"ddgan-discriminator\""));
        var again = ExperimentLoader.LoadResolved(run.ResolvedJson, TestExperiments.Registry);
        Assert.That(ExperimentJson.Serialize(again), Is.EqualTo(run.ResolvedJson));
    }

    [Test]
    public void RoleType_SharedOptionsOfTheOtherTypeAreNotApplied_UnknownKeysNamed()
    {
        // unet's image_size is not an option of ddgan-discriminator: it must not leak into the role, and a unet key
        // written under the role is an unknown key there.
        var ok = TestExperiments.Tiny("ddgan", sets: ["backbone.roles={\"discriminator\": {\"type\": \"ddgan-discriminator\"}}"]);
        Assert.That(((DdganDiscriminatorOptions)ok.Options.Backbone.OptionsFor("discriminator")).Ngf, Is.EqualTo(64));
        var bad = Assert.Throws<ConfigException>(() =>
            TestExperiments.Tiny("ddgan", sets: ["backbone.roles={\"discriminator\": {\"type\": \"ddgan-discriminator\", \"hidden_dim\": 8}}"]));
        Assert.That(bad!.Message, Does.Contain("backbone.roles.discriminator.hidden_dim").And.Contain("unknown key"));
        var unknown = Assert.Throws<ConfigException>(() =>
            TestExperiments.Tiny("ddgan", sets: ["backbone.roles={\"discriminator\": {\"type\": \"stylegan\"}}"]));
        Assert.That(unknown!.Message, Does.Contain("backbone.roles.discriminator.type").And.Contain("unknown backbone 'stylegan'"));
    }
}
