using Research.Core.Backbones;
using Research.Models.Mlp;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Backbones;

/// <summary>Where the MLP takes a generator's latent z (<see cref="MlpOptions.LatentInjection"/>), and its option checks.</summary>
public sealed class MlpLatentInjectionTests
{
    private const int Nz = 3;

    private static MlpBackbone Build(string injection) => new(
        new MlpOptions { HiddenDim = 8, NumLayers = 2, TimeEmbedDim = 4, LatentEmbedDim = 6, InputFourierBands = 1, LatentInjection = injection },
        new BackboneRequest("generator", 2, 2) { LatentDim = Nz });

    private static long InFeatures(MlpBackbone m) => m.named_parameters().First(p => p.name == "input.weight").parameter.shape[1];

    [Test]
    public void InputInjection_WidensTheInputLayerByNzAndBuildsNoMappingNetwork()
    {
        manual_seed(0);
        using var embedding = Build("embedding");
        using var input = Build("input");
        Assert.That(InFeatures(embedding), Is.EqualTo(2 * (1 + 2 * 1)));
        Assert.That(InFeatures(input), Is.EqualTo(2 * (1 + 2 * 1) + Nz));
        Assert.That(embedding.named_parameters().Select(p => p.name), Has.Some.StartsWith("z_map."));
        Assert.That(input.named_parameters().Select(p => p.name), Has.None.StartsWith("z_map."));
    }

    [Test]
    public void BiasInjection_MapsZToANarrowWAndGivesEveryHiddenLayerItsOwnProjection()
    {
        manual_seed(0);
        using var net = Build("bias");
        var shapes = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.That(InFeatures(net), Is.EqualTo(2 * (1 + 2 * 1)));
        Assert.That(shapes["z_map.4.weight"], Is.EqualTo(new long[] { 6, 6 }));          // w has latent_embed_dim entries
        Assert.That(shapes["z_bias.weight"], Is.EqualTo(new long[] { 2 * 8, 6 }));      // A_i of both layers, stacked
        Assert.That(shapes.Keys, Has.None.EqualTo("z_bias.bias"));
        using var embedding = Build("embedding");
        Assert.That(embedding.named_parameters().Select(p => p.name), Has.None.StartsWith("z_bias."));
    }

    [Test]
    public void JointBiasInjection_GivesEveryLayerABottleneckThatSeesTAndZ()
    {
        manual_seed(0);
        using var net = Build("joint-bias");
        var shapes = net.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.That(shapes["z_map.4.weight"], Is.EqualTo(new long[] { 6, 6 }));          // w has latent_embed_dim entries
        Assert.That(shapes["t_gate.weight"], Is.EqualTo(new long[] { 2 * 6, 8 }));      // B_i of both layers, stacked
        Assert.That(shapes["z_joint.0.weight"], Is.EqualTo(new long[] { 8, 6 }));       // A_0: w → h
        Assert.That(shapes["z_joint.1.weight"], Is.EqualTo(new long[] { 8, 6 }));
        Assert.That(shapes.Keys, Has.None.StartsWith("z_bias."));
    }

    [TestCase("input")]
    [TestCase("bias")]
    [TestCase("joint-bias")]
    public void MixedTimestepsInOneBatchEqualOneSampleAtATime(string injection)
    {
        // The conditioning of t is computed once per distinct t and gathered back: each row must equal its own call.
        manual_seed(1);
        using var net = Build(injection);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn([5, 2]);
        var z = randn([5, Nz]);
        var t = tensor(new long[] { 3, 0, 3, 1, 0 });
        var batch = net.call(x, t, null, z);
        for (int i = 0; i < 5; i++)
        {
            var one = net.call(x[i..(i + 1)], t[i..(i + 1)], null, z[i..(i + 1)]);
            Assert.That(batch[i].allclose(one[0], rtol: 1e-5, atol: 1e-6), Is.True, $"row {i}");
        }
    }

    [TestCase("embedding")]
    [TestCase("bias")]
    [TestCase("joint-bias")]
    [TestCase("input")]
    public void TheOutputDependsOnZAndAMissingZIsRefused(string injection)
    {
        manual_seed(2);
        using var net = Build(injection);
        using var scope = NewDisposeScope();
        var x = randn([4, 2]);
        var t = zeros([4], dtype: int64);
        var a = net.call(x, t, null, randn([4, Nz]));
        var b = net.call(x, t, null, randn([4, Nz]));
        Assert.That((a - b).abs().max().item<float>(), Is.GreaterThan(1e-4f));
        var error = Assert.Throws<ArgumentException>(() => net.call(x, t, null, null));
        Assert.That(error!.Message, Does.Contain("pass z"));
    }

    [Test]
    public void Validate_NamesTheKeyOfAnUnknownActivationOrInjection()
    {
        Assert.That(new MlpOptions().Validate(), Is.Empty);
        Assert.That(new MlpOptions { Activation = "relu" }.Validate().Single(), Does.StartWith("activation: 'relu'"));
        Assert.That(new MlpOptions { LatentInjection = "film" }.Validate().Single(), Does.StartWith("latent_injection: 'film'"));
    }
}
