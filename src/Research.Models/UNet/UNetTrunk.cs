using Research.Core.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// Builds the encoder trunk that <see cref="UNetModel"/> and <see cref="EncoderUNetModel"/> share: <c>input_blocks</c>
/// (stem conv, then per level num_res_blocks × [ResBlock (+ attention)] and a down-sampling block between levels) and
/// <c>middle_block</c> (ResBlock, attention, ResBlock), exactly in guided-diffusion's order so block indices and keys match
/// (ADM, arXiv 2105.05233; IDDPM, arXiv 2102.09672). Also builds the decoder's <c>output_blocks</c>, and runs both halves
/// (<see cref="Encode"/>, <see cref="Decode"/>) for every UNet network.
/// </summary>
public static class UNetTrunk
{
    /// <summary>The built encoder half and what the decoder needs to mirror it.</summary>
    /// <param name="InputBlocks">Stem and encoder blocks (<c>input_blocks.N</c>).</param>
    /// <param name="MiddleBlock">The bottleneck (<c>middle_block</c>).</param>
    /// <param name="SkipChannels">Channels of every input block's output, in order (the decoder's skip connections).</param>
    /// <param name="Channels">Channels at the bottleneck.</param>
    /// <param name="Downsampling">Total downsampling factor at the bottleneck.</param>
    public sealed record Encoder(ModuleList<TimestepEmbedSequential> InputBlocks, TimestepEmbedSequential MiddleBlock,
        IReadOnlyList<int> SkipChannels, int Channels, int Downsampling);

    /// <summary>Builds <c>input_blocks</c> and <c>middle_block</c> for <paramref name="inChannels"/> input channels.</summary>
    public static Encoder BuildEncoder(UNetOptions o, int inChannels)
    {
        int emb = 4 * o.ModelChannels, ch = o.LevelChannels(0), ds = 1, levels = o.EffectiveChannelMult().Count;
        var attention = o.AttentionDownsampleFactors();
        var blocks = new ModuleList<TimestepEmbedSequential>(new TimestepEmbedSequential(new SafeConv2d(inChannels, ch, 3, padding: 1)));
        var skips = new List<int> { ch };
        for (int level = 0; level < levels; level++)
        {
            for (int r = 0; r < o.NumResBlocks; r++)
            {
                var layers = new List<nn.Module> { Res(o, ch, emb, o.LevelChannels(level)) };
                ch = o.LevelChannels(level);
                if (attention.Contains(ds)) layers.Add(Attention(o, ch, o.NumHeads));
                blocks.Add(new TimestepEmbedSequential([.. layers]));
                skips.Add(ch);
            }
            if (level == levels - 1) continue;
            blocks.Add(new TimestepEmbedSequential(o.ResblockUpdown
                ? Res(o, ch, emb, ch, ResampleMode.Down)
                : new Downsample(ch, o.ConvResample, ch)));
            skips.Add(ch);
            ds *= 2;
        }
        var middle = new TimestepEmbedSequential(Res(o, ch, emb, ch), Attention(o, ch, o.NumHeads), Res(o, ch, emb, ch));
        return new Encoder(blocks, middle, skips, ch, ds);
    }

    /// <summary>Builds <c>output_blocks</c> mirroring <paramref name="encoder"/>; returns them and the final channel count.</summary>
    public static (ModuleList<TimestepEmbedSequential> Blocks, int Channels) BuildDecoder(UNetOptions o, Encoder encoder)
    {
        int emb = 4 * o.ModelChannels, ch = encoder.Channels, ds = encoder.Downsampling, levels = o.EffectiveChannelMult().Count;
        int heads = o.NumHeadsUpsample == -1 ? o.NumHeads : o.NumHeadsUpsample;
        var attention = o.AttentionDownsampleFactors();
        var skips = new Stack<int>(encoder.SkipChannels);
        var blocks = new ModuleList<TimestepEmbedSequential>();
        for (int level = levels - 1; level >= 0; level--)
            for (int i = 0; i <= o.NumResBlocks; i++)
            {
                var layers = new List<nn.Module> { Res(o, ch + skips.Pop(), emb, o.LevelChannels(level)) };
                ch = o.LevelChannels(level);
                if (attention.Contains(ds)) layers.Add(Attention(o, ch, heads));
                if (level > 0 && i == o.NumResBlocks)
                {
                    layers.Add(o.ResblockUpdown ? Res(o, ch, emb, ch, ResampleMode.Up) : new Upsample(ch, o.ConvResample, ch));
                    ds /= 2;
                }
                blocks.Add(new TimestepEmbedSequential([.. layers]));
            }
        return (blocks, ch);
    }

    /// <summary>
    /// Runs <c>input_blocks</c> then <c>middle_block</c>: x <c>[B, C_in, S, S]</c>, emb <c>[B, 4ch]</c> → the bottleneck
    /// <c>[B, C_mid, S/ds, S/ds]</c>. Pushes every input block's output on <paramref name="skips"/> when given (the
    /// decoder's skip connections). Tensors stay in the caller's dispose scope.
    /// </summary>
    public static Tensor Encode(IEnumerable<TimestepEmbedSequential> inputBlocks, TimestepEmbedSequential middleBlock,
        Tensor x, Tensor emb, Stack<Tensor>? skips = null)
    {
        var h = x;
        foreach (var block in inputBlocks)
        {
            h = block.call(h, emb);
            skips?.Push(h);
        }
        return middleBlock.call(h, emb);
    }

    /// <summary>
    /// Runs <c>output_blocks</c>, each on [h, the next skip] concatenated: h <c>[B, C_mid, S/ds, S/ds]</c> and the skips
    /// pushed by <see cref="Encode"/> → the decoder's final features <c>[B, C_0, S, S]</c>. Pops every skip. Tensors
    /// stay in the caller's dispose scope.
    /// </summary>
    public static Tensor Decode(IEnumerable<TimestepEmbedSequential> outputBlocks, Tensor h, Stack<Tensor> skips, Tensor emb)
    {
        foreach (var block in outputBlocks) h = block.call(cat([h, skips.Pop()], 1), emb);
        return h;
    }

    private static ResBlock Res(UNetOptions o, int ch, int emb, int outCh, ResampleMode resample = ResampleMode.None) =>
        new(ch, emb, o.Dropout, outCh, o.UseScaleShiftNorm, resample, o.NumGroups);

    private static AttentionBlock Attention(UNetOptions o, int ch, int heads) =>
        new(ch, heads, o.NumHeadChannels, o.UseNewAttentionOrder, o.NumGroups);
}
