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
            UNetFactory.Create, DataProblems);

    // What CheckInput would refuse at the first training step, found at validation.
    private static IEnumerable<string> DataProblems(UNetOptions o, RunFacts facts)
    {
        if (facts.Data.SampleShape is not { } shape) yield break;
        if (shape.Length != 3)
            yield return $"backbone.type: 'unet' takes images [C, H, W], but '{facts.DataType}' gives samples of shape {facts.Data.ShapeText} (use mlp)";
        else if (shape[1] != o.ImageSize || shape[2] != o.ImageSize)
            yield return $"backbone.options.image_size: {o.ImageSize}, but '{facts.DataType}' gives {shape[1]}×{shape[2]} images " +
                         "(it must equal the data's image size: data.options.image_size, or the files' own size when that is 0)";
    }
}
