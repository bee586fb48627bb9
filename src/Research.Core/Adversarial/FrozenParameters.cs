using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Adversarial;

/// <summary>
/// Turns off <c>requires_grad</c> on a network's parameters until disposed, so a forward pass through it records
/// no gradient path to those parameters (DDGAN's G step freezes D this way: <c>p.requires_grad = False</c>).
/// Gradients still flow through the network to its inputs. Dispose right after the forward pass: the graph
/// remembers which leaves required grad when it was built.
/// </summary>
public sealed class FrozenParameters : IDisposable
{
    private readonly List<TorchSharp.Modules.Parameter> _frozen = [];

    /// <summary>Freezes every parameter of <paramref name="module"/> that currently requires grad.</summary>
    public FrozenParameters(nn.Module module)
    {
        foreach (var p in module.parameters())
        {
            if (!p.requires_grad) continue;
            p.requires_grad = false;
            _frozen.Add(p);
        }
    }

    /// <summary>Restores <c>requires_grad</c> on the parameters this scope froze.</summary>
    public void Dispose()
    {
        foreach (var p in _frozen) p.requires_grad = true;
        _frozen.Clear();
    }
}
