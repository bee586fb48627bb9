using Research.Core.Backbones;
using Research.Models.UNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.UNet;

/// <summary>
/// Extra heads of the <c>unet</c> backbone: SIDDM's UNet discriminator (<see cref="UNetDiscriminator"/>, arXiv 2306.12511
/// §3.2–3.3) for pooled requests and decoder heads of <see cref="UNetModel"/> for dense ones.
/// </summary>
[NonParallelizable]
public class UNetDiscriminatorTests
{
    private const int B = 4;

    // The TinyUNet network (8×8, 8 channels, channel_mult [1, 2], attention at 4×4) with 4 groups per norm.
    private static UNetOptions Tiny(string pool = "attention")
    {
        var o = TinyUNet.Options();
        o.NumGroups = 4;
        o.Pool = pool;
        return o;
    }

    // SIDDM's request: a pooled logit with a regression head C_ψ and a denoising head D_den, both dense with C channels.
    private static BackboneRequest Siddm(int minibatchStd = 0, params BackboneHead[] more) =>
        new("discriminator", 2, 1, BackboneOutput.Pooled)
        {
            Heads = [new BackboneHead("regression", 2), new BackboneHead("denoiser", 2), .. more],
            MinibatchStdGroup = minibatchStd,
        };

    private static (Tensor X, Tensor T) Inputs(int channels = 2, ulong seed = 5)
    {
        using var g = new Generator(seed);
        return (randn([B, channels, 8, 8], generator: g), tensor(new long[] { 0, 1, 2, 3 }));
    }

    [TestCase("attention", 0)]
    [TestCase("adaptive", 0)]
    [TestCase("attention", 2)]
    public void ForwardHeads_SiddmRequest_MainPooledDenseHeadsImageShapedPooledHeadAVector(string pool, int minibatchStd)
    {
        using var d = UNetFactory.Create(Tiny(pool), Siddm(minibatchStd: minibatchStd, more: new BackboneHead("aux", 5, BackboneOutput.Pooled)));
        Assert.That(d, Is.InstanceOf<UNetDiscriminator>());
        var (x, t) = Inputs();
        using (x) using (t)
        using (var scope = NewDisposeScope())
        {
            var outputs = d.ForwardHeads(x, t, null, null);
            Assert.That(outputs.Keys, Is.EquivalentTo(new[] { BackboneHead.Main, "regression", "denoiser", "aux" }));
            Assert.That(outputs[BackboneHead.Main].shape, Is.EqualTo(new long[] { B, 1 }));
            Assert.That(outputs["regression"].shape, Is.EqualTo(new long[] { B, 2, 8, 8 }));
            Assert.That(outputs["denoiser"].shape, Is.EqualTo(new long[] { B, 2, 8, 8 }));
            Assert.That(outputs["aux"].shape, Is.EqualTo(new long[] { B, 5 }));
            Assert.That(d.call(x, t, null, null).shape, Is.EqualTo(new long[] { B, 1 }));
        }
    }

    [TestCase(0)]
    [TestCase(2)]
    public void ForwardHeads_Main_BitIdenticalToForward(int minibatchStd)
    {
        using var d = UNetFactory.Create(Tiny(), Siddm(minibatchStd: minibatchStd));
        TinyUNet.Perturb(d);
        var (x, t) = Inputs();
        using (x) using (t)
        using (var scope = NewDisposeScope())
        {
            var main = d.ForwardHeads(x, t, null, null)[BackboneHead.Main];
            Assert.That(main.abs().max().item<float>(), Is.GreaterThan(0f), "a perturbed logit is not trivially zero");
            Assert.That(TestTensors.AreIdentical(main, d.call(x, t, null, null)), Is.True);
        }
    }

    [TestCase(false, true)]
    [TestCase(true, false)]
    public void ForwardHeads_RegressionLoss_ReachesTrunkUnlessDetached(bool detach, bool trunkGetsGradient)
    {
        using var d = UNetFactory.Create(Tiny(), Siddm(minibatchStd: 2));
        TinyUNet.Perturb(d);   // un-zero the heads' output convs, which would otherwise stop every gradient into the trunk
        var (x, t) = Inputs();
        using (x) using (t)
        using (var scope = NewDisposeScope())
            d.ForwardHeads(x, t, null, null, detach ? ["regression"] : null)["regression"].square().sum().backward();
        var grads = d.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad is { } g && g.abs().sum().item<float>() > 0);
        Assert.That(grads["heads.regression.2.weight"], Is.True, "the head's own output conv");
        Assert.That(grads["heads.regression.0.weight"], Is.True, "the head's own norm");
        foreach (var trunk in new[] { "input_blocks.0.0.weight", "time_embed.0.weight", "middle_block.0.in_layers.2.weight",
                                      "minibatch_std_conv.weight", "output_blocks.0.0.in_layers.2.weight" })
            Assert.That(grads[trunk], Is.EqualTo(trunkGetsGradient), trunk);
        Assert.That(grads.Where(p => p.Key.StartsWith("out.", StringComparison.Ordinal) || p.Key.StartsWith("heads.denoiser.", StringComparison.Ordinal))
            .Select(p => p.Value), Is.All.False, "the logit and the other head take no part in this loss");
    }

    [Test]
    public void ForwardHeads_DetachIsPerPass_TheNextPassReachesTheInputAgain()
    {
        // SIDDM detaches C_ψ in D's step only; in G's step C_ψ's output must pass a gradient back to its input x′_{t−1}.
        using var d = UNetFactory.Create(Tiny(), Siddm(minibatchStd: 2));
        TinyUNet.Perturb(d);
        var (x, t) = Inputs();
        using (x) using (t)
        using (var scope = NewDisposeScope())
        {
            var input = x.clone().requires_grad_(true);
            d.ForwardHeads(input, t, null, null, ["regression"])["regression"].square().sum().backward();
            Assert.That(input.grad, Is.Null, "a detached head's loss reaches neither the trunk nor the input");
            d.ForwardHeads(input, t, null, null)["regression"].square().sum().backward();
            Assert.That(input.grad!.abs().sum().item<float>(), Is.GreaterThan(0f), "without the detach the head's loss reaches the input");
        }
    }

    [TestCase("attention")]
    [TestCase("adaptive")]
    public void Forward_NoMinibatchStd_SameKeysAndLogitAsEncoderUNetModel(string pool)
    {
        var request = Siddm();
        using var encoder = UNetFactory.Create(Tiny(pool), request with { Heads = [] });
        using var d = UNetFactory.Create(Tiny(pool), request);
        Assert.That(encoder, Is.InstanceOf<EncoderUNetModel>());
        TinyUNet.Perturb(encoder);
        var target = d.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
            foreach (var (name, p) in encoder.named_parameters())
            {
                Assert.That(target.ContainsKey(name), Is.True, $"{name} of the encoder is a key of the discriminator");
                target[name].copy_(p);
            }
        var (x, t) = Inputs();
        using (x) using (t)
        using (var a = encoder.call(x, t, null, null))
        using (var b = d.call(x, t, null, null))
            Assert.That(TestTensors.AreIdentical(a, b), Is.True, "the logit is EncoderUNetModel's pooled bottleneck");
    }

    [TestCase(2, true)]
    [TestCase(0, false)]
    public void Forward_MinibatchStdGroup_LogitDependsOnItsGroupOnly(int group, bool coupled)
    {
        using var d = UNetFactory.Create(Tiny(), Siddm(minibatchStd: group));
        Assert.That(d.named_parameters().Any(p => p.name.StartsWith("minibatch_std_conv.", StringComparison.Ordinal)), Is.EqualTo(group > 0));
        TinyUNet.Perturb(d);
        var (x, t) = Inputs();
        using var xOwned = x;
        using var tOwned = t;
        using var scope = NewDisposeScope();
        var before = d.call(x, t, null, null);
        var inGroup = x.clone();
        inGroup[2] = inGroup[2] + 1.0f;                        // groups of 2 over a batch of 4: {0, 2} and {1, 3}
        var otherGroup = x.clone();
        otherGroup[1] = otherGroup[1] + 1.0f;
        float inGroupChange = (d.call(inGroup, t, null, null)[0] - before[0]).abs().item<float>();
        float otherGroupChange = (d.call(otherGroup, t, null, null)[0] - before[0]).abs().item<float>();
        Assert.That(inGroupChange, coupled ? Is.GreaterThan(1e-5f) : Is.LessThan(1e-6f));
        Assert.That(otherGroupChange, Is.LessThan(1e-6f));
    }

    [Test]
    public void Create_PooledHeadsOnly_NoDecoderHalf()
    {
        using var d = UNetFactory.Create(Tiny(), new BackboneRequest("discriminator", 2, 1, BackboneOutput.Pooled) { Heads = [new("aux", 3, BackboneOutput.Pooled)] });
        var names = d.named_parameters().Select(p => p.name).ToList();
        Assert.That(names, Has.Some.StartsWith("heads.aux.2."));
        Assert.That(names, Has.None.StartsWith("output_blocks."));
    }

    [Test]
    public void Create_PooledRequestWithoutHeads_StaysEncoderUNetModelWithItsKeys()
    {
        using var encoder = UNetFactory.Create(Tiny(), new BackboneRequest("classifier", 2, 10, BackboneOutput.Pooled) { MinibatchStdGroup = 4 });
        Assert.That(encoder, Is.InstanceOf<EncoderUNetModel>());
        var roots = encoder.named_parameters().Select(p => p.name.Split('.')[0]).ToHashSet();
        Assert.That(roots, Is.EquivalentTo(new[] { "time_embed", "input_blocks", "middle_block", "out" }));
    }

    [Test]
    public void Create_BadHeadNames_ThrowNamingThem()
    {
        var e = Assert.Throws<ArgumentException>(() => UNetFactory.Create(Tiny(), Siddm(more: new BackboneHead("denoiser", 2))).Dispose());
        Assert.That(e!.Message, Does.Contain("head 'denoiser' is requested twice"));
        e = Assert.Throws<ArgumentException>(() => UNetFactory.Create(Tiny(), Siddm(more: new BackboneHead(BackboneHead.Main, 2))).Dispose());
        Assert.That(e!.Message, Does.Contain("reserved"));
    }

    [Test]
    public void ForwardHeads_DenseRequest_DecoderHeadsBesideAnUnchangedUNetModel()
    {
        var plain = new BackboneRequest("denoiser", 2, 2);
        using var withHeads = UNetFactory.Create(Tiny(), plain with { TanhOutput = true, Heads = [new("extra", 3), new("pooled", 4, BackboneOutput.Pooled)] });
        using var without = UNetFactory.Create(Tiny(), plain);
        Assert.That(withHeads, Is.InstanceOf<UNetModel>());
        Assert.That(withHeads.named_parameters().Select(p => p.name).Where(n => !n.StartsWith("heads.", StringComparison.Ordinal)),
            Is.EqualTo(without.named_parameters().Select(p => p.name)), "heads add keys under heads.* only");
        TinyUNet.Perturb(withHeads);
        using (no_grad())
            foreach (var p in withHeads.parameters()) p.mul_(20);   // drive the tanh into saturation, where heads would differ
        var (x, t) = Inputs();
        using (x) using (t)
        using (var scope = NewDisposeScope())
        {
            var outputs = withHeads.ForwardHeads(x, t, null, null);
            Assert.That(outputs["extra"].shape, Is.EqualTo(new long[] { B, 3, 8, 8 }));
            Assert.That(outputs["pooled"].shape, Is.EqualTo(new long[] { B, 4 }));
            Assert.That(TestTensors.AreIdentical(outputs[BackboneHead.Main], withHeads.call(x, t, null, null)), Is.True);
            Assert.That(outputs[BackboneHead.Main].abs().max().item<float>(), Is.LessThanOrEqualTo(1f), "tanh on the main output");
            Assert.That(outputs["extra"].abs().max().item<float>(), Is.GreaterThan(1f), "never on a head");
        }
    }

    [Test]
    public void ForwardHeads_DenoiserHeadTrainedOnAFixedBatch_LossFalls()
    {
        manual_seed(11);
        using var d = UNetFactory.Create(Tiny(), Siddm(minibatchStd: 2));
        var (x, t) = Inputs();
        using var xOwned = x;
        using var tOwned = t;
        using var g = new Generator(3);
        using var x0 = randn([B, 2, 8, 8], generator: g).clamp(-1, 1);
        using var adam = optim.Adam(d.parameters(), lr: 3e-3);
        var losses = new List<float>();
        for (int step = 0; step < 60; step++)
        {
            using var scope = NewDisposeScope();
            adam.zero_grad();
            var loss = (d.ForwardHeads(x, t, null, null)["denoiser"] - x0).square().mean();
            loss.backward();
            adam.step();
            losses.Add(loss.item<float>());
        }
        TestContext.Out.WriteLine($"denoiser loss {losses[0]:G4} → {losses[^1]:G4}");
        Assert.That(losses.All(float.IsFinite), Is.True);
        Assert.That(losses[^1], Is.LessThan(0.5f * losses[0]));
    }

    [Test]
    public void ForwardHeadsAndBackward_Repeated_LiveTensorCountConstant()
    {
        using var d = UNetFactory.Create(Tiny(), Siddm(minibatchStd: 2, more: new BackboneHead("aux", 3, BackboneOutput.Pooled)));
        var (x, t) = Inputs();
        using var xOwned = x;
        using var tOwned = t;
        void Step()
        {
            using var scope = NewDisposeScope();
            var outputs = d.ForwardHeads(x, t, null, null);
            outputs.Values.Select(o => o.square().mean()).Aggregate((a, b) => a + b).backward();
            d.call(x, t, null, null).sum().backward();
        }
        Step();                                               // gradients exist after this
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++) Step();
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.That(after, Is.EqualTo(before), $"live tensors grew from {before} to {after} over 3 passes");
    }
}
