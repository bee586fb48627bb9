namespace Research.Evaluation.TwoD;

/// <summary>Settings of <see cref="TwoDEvaluator"/>.</summary>
public sealed class TwoDEvaluationOptions
{
    /// <summary>Points drawn with replacement from each set for the polynomial MMD²; also the cap m on the samples (and fresh real points) of the Gaussian MMD² and sliced Wasserstein. Default 10,000 (SIDDM's code, docs/methods.md §7.5).</summary>
    public int MmdNumPoints { get; init; } = Mmd.DefaultNumPoints;

    /// <summary>Directions of the sliced Wasserstein distance. Default 128 (ours).</summary>
    public int NumProjections { get; init; } = SlicedWasserstein.DefaultNumProjections;

    /// <summary>Mode-coverage settings (used only when the data set has Gaussian modes).</summary>
    public ModeCoverageOptions ModeCoverage { get; init; } = new();

    /// <summary>Returns one message per invalid value (empty when valid), each naming its snake_case key.</summary>
    public IEnumerable<string> Validate()
    {
        if (MmdNumPoints < 2) yield return $"mmd_num_points must be at least 2 (got {MmdNumPoints}).";
        if (NumProjections < 1) yield return $"num_projections must be at least 1 (got {NumProjections}).";
        if (ModeCoverage is null) yield return "mode_coverage must be set.";
        else foreach (var e in ModeCoverage.Validate()) yield return "mode_coverage." + e;
    }
}
