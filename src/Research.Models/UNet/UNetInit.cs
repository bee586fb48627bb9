using TorchSharp;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>Initialisation helpers of the ADM UNet (arXiv 2105.05233; guided-diffusion <c>zero_module</c>).</summary>
public static class UNetInit
{
    /// <summary>Sets every parameter of <paramref name="module"/> to zero (guided-diffusion's <c>zero_module</c>) and returns it.</summary>
    public static T Zero<T>(T module) where T : nn.Module
    {
        using var _ = no_grad();
        foreach (var p in module.parameters()) p.zero_();
        return module;
    }
}
