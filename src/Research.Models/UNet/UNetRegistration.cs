using Microsoft.Extensions.DependencyInjection;
using Research.Core.Registry;

namespace Research.Models.UNet;

/// <summary>Registers the ADM UNet backbone under the permanent key <c>unet</c>.</summary>
public static class UNetRegistration
{
    /// <summary>
    /// Adds backbone <c>unet</c>: dense requests build a <see cref="UNetModel"/>, pooled ones an <see cref="EncoderUNetModel"/>,
    /// pooled ones with extra heads a <see cref="UNetDiscriminator"/>.
    /// </summary>
    public static IServiceCollection AddUNetBackbone(this IServiceCollection services) =>
        services.AddBackbone<UNetOptions>("unet",
            "ADM UNet (guided-diffusion UNetModel; pooled requests: EncoderUNetModel; pooled with heads: full UNet discriminator, SIDDM arXiv 2306.12511); AdaGN, attention, optional class and latent inputs (arXiv 2105.05233)",
            UNetFactory.Create);
}
