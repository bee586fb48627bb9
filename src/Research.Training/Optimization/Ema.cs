using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Optimization;

/// <summary>
/// Exponential moving average of a network's parameters, θ_ema ← d·θ_ema + (1−d)·θ (Polyak averaging; used
/// for sampling by DDPM, arXiv 2006.11239 App. B, and DDGAN, arXiv 2112.07804). Buffers are copied, not averaged.
/// Owns its shadow tensors.
/// </summary>
public sealed class Ema : IDisposable
{
    private readonly nn.Module _module;
    private readonly List<(Tensor Live, Tensor Shadow)> _params = new();
    private readonly List<(Tensor Live, Tensor Shadow)> _buffers = new();

    /// <summary>Starts the average at the module's current weights.</summary>
    public Ema(nn.Module module)
    {
        _module = module;
        using var _ = no_grad();
        foreach (var (_, p) in module.named_parameters()) _params.Add((p, p.detach().clone().DetachFromDisposeScope()));
        foreach (var (_, b) in module.named_buffers()) _buffers.Add((b, b.detach().clone().DetachFromDisposeScope()));
    }

    /// <summary>The averaged tensors in the module's <c>named_parameters</c> then <c>named_buffers</c> order, by name.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> State()
    {
        var names = _module.named_parameters().Select(p => p.name).Concat(_module.named_buffers().Select(b => b.name)).ToList();
        return names.Zip(_params.Concat(_buffers), (n, p) => new KeyValuePair<string, Tensor>(n, p.Shadow));
    }

    /// <summary>One update with decay <paramref name="decay"/> (0 copies the weights).</summary>
    public void Update(double decay)
    {
        using var _ = no_grad();
        if (_params.Count > 0)
        {
            // One owned 0-d weight per update (an implicit double → Tensor would make one per parameter, left to the GC).
            var first = _params[0].Shadow;
            using var weight = tensor(1.0 - decay, dtype: first.dtype, device: first.device);
            foreach (var (live, shadow) in _params) shadow.lerp_(live, weight);
        }
        foreach (var (live, shadow) in _buffers) shadow.copy_(live);
    }

    /// <summary>Copies the averaged values into <paramref name="state"/>'s tensors (for resume).</summary>
    public void Load(IReadOnlyDictionary<string, Tensor> state)
    {
        using var _ = no_grad();
        foreach (var (name, shadow) in State())
            shadow.copy_(state.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"EMA state lacks '{name}'"));
    }

    /// <summary>
    /// Swaps the averaged weights into the module until the returned handle is disposed (for sampling),
    /// then swaps the training weights back bit-exactly.
    /// </summary>
    public IDisposable SwapIn()
    {
        Swap();
        return new Restore(this);
    }

    private void Swap()
    {
        using var _ = no_grad();
        foreach (var (live, shadow) in _params.Concat(_buffers))
        {
            using var tmp = live.detach().clone();
            live.copy_(shadow);
            shadow.copy_(tmp);
        }
    }

    private sealed class Restore(Ema ema) : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            ema.Swap();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, s) in _params.Concat(_buffers)) s.Dispose();
        _params.Clear();
        _buffers.Clear();
    }
}
