using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;
using Research.Core.Parameterizations;
using Research.Core.Sampling;

namespace Research.Core.Experiments;

/// <summary>One sampling request of an experiment; evaluated after training, one table row each.</summary>
public sealed class SamplingOptions : IValidatableOptions
{
    /// <summary>Row label, e.g. <c>1000 steps</c>; defaults to a description of the request.</summary>
    public string Label { get; set; } = "";

    /// <summary>Respacing (docs/methods.md §2.4): empty = the trained chain; <c>"100"</c>, <c>"ddim50"</c>, <c>"10,15,20"</c>.</summary>
    public string Steps { get; set; } = "";

    /// <summary><c>ancestral</c> or <c>ddim</c> (ε-models; GAN families ignore it).</summary>
    public string Sampler { get; set; } = "ancestral";

    /// <summary>DDIM η.</summary>
    [Range(0.0, 10.0)]
    public double Eta { get; set; }

    /// <summary>
    /// Reverse variance of the ancestral sampler (ε-families): empty = the family's <c>parameterization.options.variance</c>;
    /// <c>fixed-large</c> (σ² = β), <c>fixed-small</c> (σ² = β̃), or <c>learned</c> (Σ_θ of improved DDPM, arXiv 2102.09672 eq. 15;
    /// only for a model trained with <c>learn_sigma</c>). DDIM ignores Σ, so it is refused with <c>ddim</c>.
    /// </summary>
    public string Variance { get; set; } = "";

    /// <summary>Clip x̂₀ to the data range at every step.</summary>
    public bool ClipDenoised { get; set; } = true;

    /// <summary>Classifier-guidance scale s (families with a classifier); 0 = unguided.</summary>
    [Range(0.0, 1e6)]
    public double GuidanceScale { get; set; }

    /// <summary>
    /// Target labels: empty = none, <c>cycle</c> = sample i gets class i mod K (equal counts), or one class index.
    /// Needed for guided and class-conditional sampling; scored as guided accuracy.
    /// </summary>
    public string Labels { get; set; } = "";

    /// <summary>Samples to draw and evaluate.</summary>
    [Range(1, 10_000_000)]
    public int NumSamples { get; set; } = 10_000;

    /// <summary>Samples per network call.</summary>
    [Range(1, 10_000_000)]
    public int BatchSize { get; set; } = 10_000;

    /// <summary>Timed draws for the ms-per-1000-samples column (median; the first is the scored draw; a small warm-up draw precedes them).</summary>
    [Range(1, 100)]
    public int TimingRepeats { get; set; } = 1;

    /// <summary>
    /// Draw a warm-up batch (up to 256 samples, not timed) before the timed draw, so the time excludes one-time costs
    /// (allocator growth, kernel selection). Default true. Turn it off for long guided or 1000-step image sweeps where
    /// the warm-up would double the cost and the time is not the point; the time column then includes those costs.
    /// </summary>
    public bool Warmup { get; set; } = true;

    /// <summary>The sampler as an enum.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public SamplerKind SamplerKind => Sampler == "ddim" ? SamplerKind.Ddim : SamplerKind.Ancestral;

    /// <summary>The variance as an enum; null = the family's default.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ReverseVariance? ReverseVariance => ReverseVarianceNames.Parse(Variance);

    /// <summary>The label, or a generated one.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string DisplayLabel => Label.Length > 0 ? Label
        : $"{Sampler}{(Steps.Length > 0 ? " " + Steps : "")}{(Variance.Length > 0 ? " " + Variance : "")}";

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (Sampler is not ("ancestral" or "ddim")) yield return $"sampler: '{Sampler}' is not one of ancestral, ddim";
        if (Variance.Length > 0 && ReverseVarianceNames.Parse(Variance) is null)
            yield return $"variance: '{Variance}' is not one of {ReverseVarianceNames.Choices} (or empty: the family's default)";
        if (Labels.Length > 0 && Labels != "cycle" && !int.TryParse(Labels, out var l))
            yield return $"labels: '{Labels}' is not empty, 'cycle' or a class index";
        if (Labels.Length > 0 && int.TryParse(Labels, out var c) && c < 0)
            yield return $"labels: class index {c} is negative";
        if (Steps.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(Steps, @"^(ddim[1-9][0-9]*|[1-9][0-9]*(,[1-9][0-9]*)*)$"))
            yield return $"steps: '{Steps}' is not a step count, 'ddimN' or a comma list of positive counts";
    }
}
