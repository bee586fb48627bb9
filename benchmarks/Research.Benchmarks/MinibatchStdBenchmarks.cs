using BenchmarkDotNet.Attributes;
using Research.Core.Backbones;
using Research.Models.Mlp;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Benchmarks;

/// <summary>
/// The cost of the minibatch-stddev feature in a 2-D discriminator: the MLP of base-2d.json (128 wide, 3 layers) as DDGAN's
/// pair discriminator (4 inputs, 1 logit) at batch 512, forward + backward, with the feature off (group 0) and on (group 4).
/// </summary>
[MemoryDiagnoser]
public class MinibatchStdBenchmarks
{
    private MlpBackbone _network = null!;
    private Tensor _x = null!, _t = null!;

    /// <summary>Minibatch-stddev group size; 0 = feature off.</summary>
    [Params(0, 4)]
    public int Group { get; set; }

    /// <summary>Builds the discriminator and its fixed inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        TorchSetup.Initialize();
        manual_seed(0);
        var options = new MlpOptions { HiddenDim = 128, NumLayers = 3, TimeEmbedDim = 128, InputFourierBands = 2 };
        _network = new MlpBackbone(options, new BackboneRequest("discriminator", 4, 1, BackboneOutput.Pooled) { MinibatchStdGroup = Group });
        using var g = new Generator(0);
        _x = randn([512, 4], generator: g);
        _t = randint(0, 4, [512], dtype: int64, generator: g);
    }

    /// <summary>Frees everything.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _x.Dispose();
        _t.Dispose();
        _network.Dispose();
    }

    /// <summary>Logits, then the gradient of their mean into the weights.</summary>
    [Benchmark]
    public void ForwardBackward()
    {
        using var scope = NewDisposeScope();
        _network.zero_grad();
        _network.call(_x, _t, null, null).mean().backward();
    }
}
