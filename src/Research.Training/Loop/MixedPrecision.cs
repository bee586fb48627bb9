using Research.Core.Parameterizations;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Training.Loop;

/// <summary>
/// Mixed-precision training without autocast (TorchSharp has none): a second instance of the family whose networks hold
/// bfloat16 copies of the fp32 master weights. The loop computes each loss term on this working copy, copies its gradients
/// into the masters' fp32 gradients, clips and steps the fp32 optimizer, then refreshes the working copy of the stepped
/// network. Master weights, optimizer state, EMA, checkpoints and sampling never leave fp32.
/// </summary>
/// <remarks>
/// Mixed precision as in Micikevicius et al. (arXiv 1710.03740 §3.1, fp32 master weights) with bfloat16, whose 8-bit exponent
/// (Kalamkar et al., arXiv 1905.12322) makes loss scaling unnecessary. Casting follows autocast's idea per module instead of
/// per op: every module with its own floating parameters casts a floating input to its weight dtype (a forward pre-hook),
/// and each network's main output is cast back to fp32, so the family's losses are computed in fp32. Extra heads read
/// through <c>Backbone.ForwardHeads</c> bypass the module hooks and stay bf16 (SIDDM's auxiliary heads); the loop casts
/// every loss to fp32 before its backward pass.
/// </remarks>
public sealed class MixedPrecision : IDisposable
{
    private readonly Dictionary<string, List<(Parameter Master, Parameter Work)>> _parameters = new();
    private readonly Dictionary<string, List<(Tensor Master, Tensor Work)>> _buffers = new();

    /// <summary>
    /// Converts <paramref name="working"/>'s networks to <paramref name="dtype"/>, installs the casting hooks and copies the
    /// weights of <paramref name="master"/> into them. Both must be instances of the same family built from the same options
    /// (same networks, same parameter names and shapes). Takes ownership of <paramref name="working"/>.
    /// </summary>
    public MixedPrecision(IParameterization master, IParameterization working, ScalarType dtype = ScalarType.BFloat16)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(working);
        Working = working;
        Dtype = dtype;
        foreach (var (name, net) in master.Networks)
        {
            if (!working.Networks.TryGetValue(name, out var twin))
                throw new ArgumentException($"mixed precision: the working copy has no network '{name}'");
            Convert(twin, dtype);
            var twinParams = twin.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            _parameters[name] = net.named_parameters().Select(p => (p.parameter, twinParams.TryGetValue(p.name, out var w)
                ? Same(p.name, p.parameter, w)
                : throw new ArgumentException($"mixed precision: network '{name}' has no working copy of '{p.name}'"))).ToList();
            var twinBuffers = twin.named_buffers().ToDictionary(b => b.name, b => b.buffer);
            _buffers[name] = net.named_buffers().Where(b => b.buffer.is_floating_point() && twinBuffers.ContainsKey(b.name))
                .Select(b => (b.buffer, twinBuffers[b.name])).ToList();
            InstallCasts(twin, dtype);
        }
        SyncAll();
    }

    /// <summary>The family instance whose (low-precision) networks the loop computes loss terms on.</summary>
    public IParameterization Working { get; }

    /// <summary>The working copy's floating dtype.</summary>
    public ScalarType Dtype { get; }

    /// <summary>Puts every working network in training mode and copies all master weights into it.</summary>
    public void BeginTraining()
    {
        foreach (var net in Working.Networks.Values) net.train();
        SyncAll();
    }

    /// <summary>Clears the working copy's gradients (before each loss term, like the masters').</summary>
    public void ZeroGradients()
    {
        foreach (var net in Working.Networks.Values) net.zero_grad();
    }

    /// <summary>Writes the working gradients of <paramref name="network"/> into its masters' fp32 gradients.</summary>
    public void CopyGradients(string network)
    {
        using var _ = no_grad();
        foreach (var (master, work) in _parameters[network])
        {
            using var g = work.grad;
            if (g is null) continue;
            using var existing = master.grad;
            if (existing is not null) existing.copy_(g);
            else master.grad = g.to_type(master.dtype);
        }
    }

    /// <summary>Copies <paramref name="network"/>'s master weights (and floating buffers) into its working copy.</summary>
    public void Sync(string network)
    {
        using var _ = no_grad();
        foreach (var (master, work) in _parameters[network]) work.copy_(master);
        foreach (var (master, work) in _buffers[network]) work.copy_(master);
    }

    /// <summary>Copies every network's master weights into the working copy.</summary>
    public void SyncAll()
    {
        foreach (var name in _parameters.Keys) Sync(name);
    }

    private static Parameter Same(string name, Parameter master, Parameter work) =>
        master.shape.SequenceEqual(work.shape) ? work
            : throw new ArgumentException($"mixed precision: '{name}' has shape [{string.Join(", ", master.shape)}] but its working copy [{string.Join(", ", work.shape)}]");

    // Module.to(dtype) on a whole network throws in TorchSharp 0.107 when a module holds a ModuleList or ModuleDict (its
    // reflection pass over the type hierarchy meets two fields named 'Item'), so convert module by module: every module
    // that owns floating parameters or buffers itself (linear, convolution, normalisation and embedding layers).
    private static void Convert(nn.Module network, ScalarType dtype)
    {
        foreach (var module in OwnModules(network))
            if (module.named_parameters(recurse: false).Any(p => p.parameter.is_floating_point() && p.parameter.dtype != dtype)
                || module.named_buffers(recurse: false).Any(b => b.buffer.is_floating_point() && b.buffer.dtype != dtype))
                module.to(dtype);
    }

    private static IEnumerable<nn.Module> OwnModules(nn.Module network) => network.modules().Prepend(network).Distinct();

    // Per-module casts: a module owning floating parameters gets its floating input in its weight dtype; a network with the
    // backbone signature also gets x and z cast on entry and returns its main output in fp32.
    private static void InstallCasts(nn.Module network, ScalarType dtype)
    {
        foreach (var module in OwnModules(network))
        {
            if (module is nn.Module<Tensor, Tensor> leaf && module.named_parameters(recurse: false).Any(p => p.parameter.is_floating_point()))
                leaf.register_forward_pre_hook((_, x) => NeedsCast(x, dtype) ? x.to_type(dtype) : null!);
        }
        if (network is nn.Module<Tensor, Tensor, Tensor?, Tensor?, Tensor> backbone)
        {
            backbone.register_forward_pre_hook((_, x, t, y, z) =>
                (NeedsCast(x, dtype) ? x.to_type(dtype) : x, t, y, z is not null && NeedsCast(z, dtype) ? z.to_type(dtype) : z));
            backbone.register_forward_hook((_, _, _, _, _, output) =>
                output.dtype == dtype ? output.to_type(ScalarType.Float32) : null!);
        }
    }

    private static bool NeedsCast(Tensor x, ScalarType dtype) => x.is_floating_point() && x.dtype != dtype;

    /// <inheritdoc />
    public void Dispose() => Working.Dispose();
}
