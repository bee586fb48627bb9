using BenchmarkDotNet.Attributes;
using Research.Core.Backbones;
using Research.Models.Mlp;
using Research.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Benchmarks;

/// <summary>
/// What the trainer adds to a step beyond zero-grad, loss, backward and the optimizer (docs/benchmarks.md, "framework
/// overhead"), on the network whose step is the shortest in the suite: the MLP of base-2d.json as DDPM's ε-network
/// (2 → 2, batch 512). Global-norm clipping (ours, which keeps the norm on the device, and TorchSharp's native
/// <c>clip_grad_norm_</c>, which returns it as a double), the EMA update, and one forward + backward for scale.
/// </summary>
[MemoryDiagnoser]
public class TrainerExtrasBenchmarks
{
    private MlpBackbone _network = null!;
    private List<Parameter> _parameters = null!;
    private Ema _ema = null!;
    private Tensor _x = null!, _t = null!;

    /// <summary>Builds the network, fills its gradients once and starts the EMA.</summary>
    [GlobalSetup]
    public void Setup()
    {
        TorchSetup.Initialize();
        manual_seed(0);
        var options = new MlpOptions { HiddenDim = 128, NumLayers = 3, TimeEmbedDim = 128, InputFourierBands = 6, Residual = true };
        _network = new MlpBackbone(options, new BackboneRequest("model", 2, 2));
        _parameters = _network.parameters().ToList();
        using var g = new Generator(0);
        _x = randn([512, 2], generator: g);
        _t = randint(0, 1000, [512], dtype: int64, generator: g);
        ForwardBackward();
        _ema = new Ema(_network);
    }

    /// <summary>Frees everything.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _ema.Dispose();
        _x.Dispose();
        _t.Dispose();
        _network.Dispose();
    }

    /// <summary>Forward, mean, backward: the network work the extras are compared with.</summary>
    [Benchmark(Baseline = true)]
    public void ForwardBackward()
    {
        using var scope = NewDisposeScope();
        _network.zero_grad();
        _network.call(_x, _t, null, null).square().mean().backward();
    }

    /// <summary>Clip to norm 1e9 (no change to the gradients; same work) keeping the norm as a 0-d tensor.</summary>
    [Benchmark]
    public void ClipOnDevice()
    {
        using var scope = NewDisposeScope();
        GradientClipping.ClipByGlobalNorm(_parameters, 1e9);
    }

    /// <summary>The same through TorchSharp's one native call (returns the norm to the host).</summary>
    [Benchmark]
    public double ClipNative() => nn.utils.clip_grad_norm_(_parameters, 1e9);

    /// <summary>One EMA update (one lerp per parameter tensor).</summary>
    [Benchmark]
    public void EmaUpdate() => _ema.Update(0.999);
}
