namespace Research.Evaluation.Reports;

/// <summary>Layouts of <c>research table</c>, after the papers' tables.</summary>
public enum TableLayout
{
    /// <summary>DDGAN Table 1 (arXiv:2112.07804): method, IS, FID, recall, NFE, time.</summary>
    DdganTable1,

    /// <summary>Ablation tables (DDGAN Table 2, SIDDM's ablations): one row per variant, one column per metric present.</summary>
    Ablation,

    /// <summary>The trilemma view: sample quality, mode coverage and sampling cost per method and sampler.</summary>
    Trilemma,
}
