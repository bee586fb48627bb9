using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// Group normalisation computed in float32 and cast back to the input's dtype: guided-diffusion's
/// <c>GroupNorm32</c> / <c>normalization(channels)</c> (ADM, arXiv 2105.05233; IDDPM, arXiv 2102.09672).
/// The affine parameters are <c>weight</c> (initialised to 1) and <c>bias</c> (initialised to 0).
/// </summary>
/// <remarks>
/// Written on <c>F.group_norm</c> rather than <c>nn.GroupNorm</c>: TorchSharp 0.107's <c>nn.GroupNorm</c> leaves its
/// weight and bias uninitialised (docs/toolchain.md, "TorchSharp traps met so far"). The reference always uses 32 groups; here the group count is
/// <c>min(numGroups, channels)</c> so that tiny test networks (8 channels) still build; at 32 channels and more it is
/// exactly the reference.
/// </remarks>
public sealed class GroupNorm32 : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly double _eps;

    /// <summary>Normalises <paramref name="channels"/> channels in <see cref="GroupsFor"/> groups.</summary>
    /// <param name="channels">Channel count C of the input <c>[B, C, ...]</c>.</param>
    /// <param name="numGroups">Requested group count (guided-diffusion: 32).</param>
    /// <param name="eps">Variance epsilon (PyTorch's default 1e-5, as in the reference).</param>
    public GroupNorm32(int channels, int numGroups = 32, double eps = 1e-5) : base("GroupNorm32")
    {
        Groups = GroupsFor(channels, numGroups);
        if (channels % Groups != 0)
            throw new ArgumentException($"GroupNorm: {channels} channels cannot be split into {Groups} groups");
        Channels = channels;
        _eps = eps;
        weight = nn.Parameter(ones(channels));
        bias = nn.Parameter(zeros(channels));
        RegisterComponents();
    }

    /// <summary>Number of channels normalised.</summary>
    public int Channels { get; }

    /// <summary>Number of groups actually used.</summary>
    public int Groups { get; }

    /// <summary>The group count used for <paramref name="channels"/>: <c>min(numGroups, channels)</c>.</summary>
    public static int GroupsFor(int channels, int numGroups) => Math.Max(1, Math.Min(numGroups, channels));

    /// <summary>x <c>[B, C, ...]</c> → same shape and dtype.</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dtype == ScalarType.Float32)
            return nn.functional.group_norm(x, Groups, weight, bias, _eps);
        using var x32 = x.to_type(ScalarType.Float32);
        using var w32 = weight.to_type(ScalarType.Float32);
        using var b32 = bias.to_type(ScalarType.Float32);
        using var y = nn.functional.group_norm(x32, Groups, w32, b32, _eps);
        return y.to_type(x.dtype);
    }
}
