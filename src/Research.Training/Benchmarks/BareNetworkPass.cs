using Research.Core.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Benchmarks;

/// <summary>
/// One network called on fixed random inputs shaped by its <see cref="BackboneRequest"/>, with nothing around it: the
/// baseline that training steps and samplers are compared with. Owns its inputs.
/// </summary>
public sealed class BareNetworkPass : IDisposable
{
    private readonly Backbone _network;
    private readonly Tensor _x, _t;
    private readonly Tensor? _y, _z;

    /// <summary>
    /// Inputs for <paramref name="network"/> at batch <paramref name="batch"/>: x <c>[B, in, ...spatial]</c> ~ N(0, 1), t uniform in
    /// [0, <paramref name="numTimesteps"/>) per sample as in training, or with <paramref name="oneTimestep"/> the last step for the
    /// whole batch as a sampler calls it (networks may share work across equal t), and labels or a latent when the request asks.
    /// </summary>
    public BareNetworkPass(Backbone network, long[] sampleShape, long batch, int numTimesteps, Device device, bool oneTimestep = false)
    {
        _network = network;
        var r = network.Request;
        using var scope = NewDisposeScope();
        using var g = new Generator(20261123);
        _x = randn([batch, r.InChannels, .. sampleShape[1..]], generator: g).to(device).DetachFromDisposeScope();
        _t = (oneTimestep ? full([batch], numTimesteps - 1, dtype: int64) : randint(0, numTimesteps, [batch], dtype: int64, generator: g))
            .to(device).DetachFromDisposeScope();
        _y = r.NumClasses > 0 ? randint(0, r.NumClasses, [batch], dtype: int64, generator: g).to(device).DetachFromDisposeScope() : null;
        _z = r.LatentDim > 0 ? randn([batch, r.LatentDim], generator: g).to(device).DetachFromDisposeScope() : null;
    }

    /// <summary>One forward pass without gradients (as a sampler calls the network).</summary>
    public void Forward()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _network.call(_x, _t, _y, _z);
    }

    /// <summary>
    /// FLOPs of one forward pass in the network's conv and linear layers (<see cref="FlopCounter"/>); times
    /// <see cref="FlopCounter.ForwardBackwardFactor"/> for one <see cref="ForwardBackward"/>.
    /// </summary>
    public double ForwardFlops() => FlopCounter.ForwardFlops(_network, Forward);

    /// <summary>One forward and backward pass of mean(output²) into the network's gradients (cleared first).</summary>
    public void ForwardBackward()
    {
        using var scope = NewDisposeScope();
        _network.zero_grad();
        _network.call(_x, _t, _y, _z).square().mean().backward();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _x.Dispose();
        _t.Dispose();
        _y?.Dispose();
        _z?.Dispose();
    }
}
