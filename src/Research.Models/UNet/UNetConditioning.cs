using Research.Models.Embeddings;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// The conditioning embedding shared by <see cref="UNetModel"/> and <see cref="EncoderUNetModel"/>:
/// emb = time_embed(sinusoid(t)) [+ label_emb(y)] [+ z_transform(z)], 4·ch wide (ADM, arXiv 2105.05233 §3 and
/// docs/methods.md §6.4: the class embedding is <b>added</b> to the time embedding).
/// </summary>
/// <remarks>
/// Latent z (DDGAN, arXiv 2112.07804; docs/methods.md §4.6) goes through DDGAN's mapping network, <c>z_transform</c> =
/// PixelNorm, Linear(nz → 4ch), SiLU, n_mlp × [Linear(4ch → 4ch), SiLU], and its output w is <b>added</b> to the
/// embedding like the class embedding. DDGAN instead feeds w to a separate affine map in every GroupNorm (AdaGN of z)
/// and lets only z modulate the norms. Here each residual block's <c>emb_layers</c> Linear already is a per-block affine
/// map of the embedding, so adding w gives every block its own (shared with t) z-dependent scale and shift without a
/// second conditioning path, and keeps the reference UNet's weights and keys unchanged. Departures: the map sees
/// SiLU(t_emb + w) rather than w alone, and it modulates the second norm of each block only (ADM's AdaGN placement).
/// </remarks>
public static class UNetConditioning
{
    /// <summary>time_embed: Linear(ch → 4ch), SiLU, Linear(4ch → 4ch) (keys <c>time_embed.0</c>, <c>time_embed.2</c>).</summary>
    public static IndexedLayers TimeEmbed(int modelChannels) =>
        new(nn.Linear(modelChannels, 4 * modelChannels), nn.SiLU(), nn.Linear(4 * modelChannels, 4 * modelChannels));

    /// <summary>
    /// The three conditioning modules of a request, built in the order every UNet network uses (so one seed draws the
    /// same weights in each): <c>time_embed</c>, then <c>label_emb</c> when the request has classes, then
    /// <c>z_transform</c> when it has a latent.
    /// </summary>
    public static (IndexedLayers TimeEmbed, Embedding? LabelEmb, IndexedLayers? ZTransform) Build(UNetOptions options, Research.Core.Backbones.BackboneRequest request)
    {
        int ch = options.ModelChannels;
        var timeEmbed = TimeEmbed(ch);
        var labelEmb = request.NumClasses > 0 ? nn.Embedding(request.NumClasses, 4 * ch) : null;
        var zTransform = request.LatentDim > 0 ? LatentMapping(request.LatentDim, 4 * ch, options.NMlp) : null;
        return (timeEmbed, labelEmb, zTransform);
    }

    /// <summary>z_transform: PixelNorm, Linear(nz → width), SiLU, n_mlp × [Linear(width → width), SiLU] (DDGAN's keys).</summary>
    public static IndexedLayers LatentMapping(int latentDim, int width, int nMlp)
    {
        var layers = new List<nn.Module<Tensor, Tensor>> { new PixelNorm(), nn.Linear(latentDim, width), nn.SiLU() };
        for (int i = 0; i < nMlp; i++)
        {
            layers.Add(nn.Linear(width, width));
            layers.Add(nn.SiLU());
        }
        return new IndexedLayers([.. layers]);
    }

    /// <summary>t <c>[B]</c> int64, y <c>[B]</c>?, z <c>[B, nz]</c>? → emb <c>[B, 4ch]</c> in <paramref name="dtype"/>.</summary>
    public static Tensor Embed(IndexedLayers timeEmbed, Embedding? labelEmb, IndexedLayers? zTransform, int modelChannels,
        Tensor t, Tensor? y, Tensor? z, ScalarType dtype)
    {
        if (t.dim() != 1) throw new ArgumentException($"t must be [B], got [{string.Join(", ", t.shape)}]");
        using var scope = NewDisposeScope();
        var emb = timeEmbed.call(SinusoidalEmbedding.Embed(t, modelChannels).to_type(dtype));
        if (labelEmb is not null)
        {
            if (y is null) throw new ArgumentException("this backbone was built class-conditional: pass labels y");
            emb = emb + labelEmb.call(y);
        }
        if (zTransform is not null)
        {
            if (z is null) throw new ArgumentException("this backbone was built with a latent input: pass z");
            emb = emb + zTransform.call(z.to_type(dtype));
        }
        return emb.MoveToOuterDisposeScope();
    }
}
