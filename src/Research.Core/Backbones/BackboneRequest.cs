namespace Research.Core.Backbones;

/// <summary>What a family asks the shared backbone for: the input/output widths and the extras.</summary>
/// <param name="Role">Free-form role, used in error messages and per-role backbone overrides (<c>denoiser</c>, <c>discriminator</c>).</param>
/// <param name="InChannels">Input channels (images) or features (2-D points); a discriminator on (x_{t−1}, x_t) asks for 2C.</param>
/// <param name="OutChannels">Output channels (dense output) or logits (pooled output).</param>
/// <param name="Output">Dense: same spatial shape as the input; Pooled: one vector per sample.</param>
public sealed record BackboneRequest(string Role, int InChannels, int OutChannels, BackboneOutput Output = BackboneOutput.Dense)
{
    /// <summary>Number of classes for a class embedding added to the time embedding; 0 = unconditional.</summary>
    public int NumClasses { get; init; }

    /// <summary>Latent size nz for z-conditioning through a mapping network (DDGAN, arXiv 2112.07804 §4); 0 = none.</summary>
    public int LatentDim { get; init; }

    /// <summary>Apply tanh to the main output (DDGAN's generator predicts x₀ in [−1, 1]); never to extra heads.</summary>
    public bool TanhOutput { get; init; }

    /// <summary>
    /// Append the minibatch standard-deviation feature to the trunk's pooled features before every output: the std of
    /// each feature over groups of this many samples, averaged over features (Karras et al., arXiv 1710.10196 §3;
    /// DDGAN's discriminator uses groups of 4, docs/methods.md §4.6). Lets a discriminator see a batch's lack of diversity.
    /// 0 = off. Discriminators only: it makes each output depend on the other samples of its group.
    /// </summary>
    public int MinibatchStdGroup { get; init; }

    /// <summary>
    /// Extra named outputs sharing the trunk (e.g. SIDDM's regression and denoising heads on its discriminator);
    /// empty = the main output only. Read them with <see cref="Backbone.ForwardHeads"/>.
    /// </summary>
    public IReadOnlyList<BackboneHead> Heads { get; init; } = [];

    /// <summary>Problems with this request (empty when valid): head names must be unique, non-empty and not <c>main</c>.</summary>
    public IEnumerable<string> Validate()
    {
        if (InChannels < 1) yield return $"{Role}: in_channels must be at least 1, got {InChannels}";
        if (OutChannels < 1) yield return $"{Role}: out_channels must be at least 1, got {OutChannels}";
        if (MinibatchStdGroup < 0) yield return $"{Role}: minibatch_std_group must be 0 (off) or positive, got {MinibatchStdGroup}";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var h in Heads)
        {
            if (string.IsNullOrEmpty(h.Name) || h.Name == BackboneHead.Main)
                yield return $"{Role}: head name '{h.Name}' is empty or reserved";
            else if (!seen.Add(h.Name)) yield return $"{Role}: head '{h.Name}' is requested twice";
            if (h.Channels < 1) yield return $"{Role}: head '{h.Name}' needs at least one channel, got {h.Channels}";
        }
    }
}

/// <summary>Shape of a backbone's output.</summary>
public enum BackboneOutput
{
    /// <summary>Per-position output with the input's spatial shape (denoisers, generators).</summary>
    Dense,

    /// <summary>One vector per sample (discriminators, classifiers).</summary>
    Pooled,
}
