using Research.Core.Backbones;
using Research.Models.Mlp;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Backbones;

/// <summary>Named extra heads of the shared backbone (<see cref="BackboneRequest.Heads"/>) in the MLP.</summary>
public sealed class MlpHeadsTests
{
    private static readonly MlpOptions Tiny = new() { HiddenDim = 8, NumLayers = 2, TimeEmbedDim = 4 };

    private static MlpBackbone Discriminator() => new(Tiny,
        new BackboneRequest("discriminator", 2, 1, BackboneOutput.Pooled)
        {
            Heads = [new BackboneHead("regression", 2), new BackboneHead("denoiser", 3)],
        });

    [Test]
    public void ForwardHeads_TwoHeads_ShapesAndMainEqualsForward()
    {
        manual_seed(1);
        using var d = Discriminator();
        using var scope = NewDisposeScope();
        var x = randn([5, 2]);
        var t = zeros([5], dtype: int64);
        var outputs = d.ForwardHeads(x, t, null, null);
        Assert.That(outputs.Keys, Is.EquivalentTo(new[] { BackboneHead.Main, "regression", "denoiser" }));
        Assert.That(outputs["regression"].shape, Is.EqualTo(new long[] { 5, 2 }));
        Assert.That(outputs["denoiser"].shape, Is.EqualTo(new long[] { 5, 3 }));
        Assert.That(TestTensors.AreIdentical(outputs[BackboneHead.Main], d.call(x, t, null, null)), Is.True);
    }

    [TestCase(false, true)]
    [TestCase(true, false)]
    public void ForwardHeads_HeadLoss_ReachesTrunkUnlessDetached(bool detach, bool trunkGetsGradient)
    {
        manual_seed(1);
        using var d = Discriminator();
        using (var scope = NewDisposeScope())
            d.ForwardHeads(randn([5, 2]), zeros([5], dtype: int64), null, null, detach ? ["regression"] : null)["regression"].square().sum().backward();
        var grads = d.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad is { } g && g.abs().sum().item<float>() > 0);
        Assert.That(grads["heads.regression.weight"], Is.True);
        Assert.That(grads["input.weight"], Is.EqualTo(trunkGetsGradient));
        Assert.That(grads["output.weight"], Is.False, "the main head takes no part in the head's loss");
    }

    [Test]
    public void ForwardHeads_DetachIsPerPass_TheNextPassReachesTheInputAgain()
    {
        // The detach is the caller's choice for one pass, not a property of the network: SIDDM detaches C_ψ in D's step
        // and needs C_ψ's gradient to reach x′_{t−1} (hence G) in G's step.
        manual_seed(1);
        using var d = Discriminator();
        using var scope = NewDisposeScope();
        var x = randn([5, 2]).requires_grad_(true);
        var t = zeros([5], dtype: int64);
        d.ForwardHeads(x, t, null, null, ["regression"])["regression"].square().sum().backward();
        Assert.That(x.grad, Is.Null, "a detached head's loss reaches neither the trunk nor the input");
        d.ForwardHeads(x, t, null, null)["regression"].square().sum().backward();
        Assert.That(x.grad!.abs().sum().item<float>(), Is.GreaterThan(0f), "without the detach the head's loss reaches the input");
    }

    [Test]
    public void ForwardHeads_DetachAnUnknownHead_ThrowsNamingIt()
    {
        using var d = Discriminator();
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => d.ForwardHeads(randn([5, 2]), zeros([5], dtype: int64), null, null, ["regresion"]));
        Assert.That(e!.Message, Does.Contain("'regresion'").And.Contain("regression, denoiser"));
    }

    [Test]
    public void Create_DuplicateOrReservedHeadNames_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MlpBackbone(Tiny, new BackboneRequest("d", 2, 1) { Heads = [new("a", 1), new("a", 1)] }));
        Assert.Throws<ArgumentException>(() => new MlpBackbone(Tiny, new BackboneRequest("d", 2, 1) { Heads = [new(BackboneHead.Main, 1)] }));
    }

    [Test]
    public void ForwardHeads_NoHeads_ReturnsMainOnly()
    {
        using var net = new MlpBackbone(Tiny, new BackboneRequest("denoiser", 2, 2));
        using var scope = NewDisposeScope();
        Assert.That(net.ForwardHeads(randn([3, 2]), zeros([3], dtype: int64), null, null).Keys, Is.EqualTo(new[] { BackboneHead.Main }));
    }

    [TestCase(2, true)]
    [TestCase(0, false)]
    public void Forward_MinibatchStdGroup_OutputDependsOnItsGroupOnly(int group, bool coupled)
    {
        manual_seed(3);
        using var d = new MlpBackbone(Tiny, new BackboneRequest("discriminator", 2, 1, BackboneOutput.Pooled) { MinibatchStdGroup = group });
        using var scope = NewDisposeScope();
        var t = zeros([4], dtype: int64);
        var x = randn([4, 2]);
        var before = d.call(x, t, null, null);
        var inGroup = x.clone();
        inGroup[2] = inGroup[2] + 1.0f;                        // groups of 2 over a batch of 4: {0, 2} and {1, 3}
        var otherGroup = x.clone();
        otherGroup[1] = otherGroup[1] + 1.0f;
        Assert.That(TestTensors.AreIdentical(d.call(inGroup, t, null, null)[0], before[0]), Is.EqualTo(!coupled));
        Assert.That(TestTensors.AreIdentical(d.call(otherGroup, t, null, null)[0], before[0]), Is.True);
    }
}
