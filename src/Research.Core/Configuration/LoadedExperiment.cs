namespace Research.Core.Configuration;

/// <summary>An experiment file after layering, binding and validation: one resolved run per variant.</summary>
/// <param name="SourcePath">Full path of the experiment file that was loaded.</param>
/// <param name="Runs">One run per entry of <c>variants</c>, in file order, or a single run when there are none.</param>
public sealed record LoadedExperiment(string SourcePath, IReadOnlyList<ResolvedRun> Runs);
