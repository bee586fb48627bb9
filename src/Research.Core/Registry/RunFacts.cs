using Research.Core.Data;
using Research.Core.Experiments;

namespace Research.Core.Registry;

/// <summary>
/// What a component's validation hook may know about the run it is configured in, before any tensor exists: the bound
/// options of the whole experiment and what the data's options say about the data.
/// </summary>
/// <param name="Experiment">The bound experiment (every section).</param>
/// <param name="Data">The data as its options (or its files' headers) describe it.</param>
public sealed record RunFacts(ExperimentOptions Experiment, DataDescription Data)
{
    /// <summary>T, the trained chain's length.</summary>
    public int NumTimesteps => Experiment.Schedule.NumTimesteps;

    /// <summary>Networks loaded from a file before training (<c>training.init</c>).</summary>
    public IReadOnlyCollection<string> InitializedNetworks => Experiment.Training.Init.Keys;

    /// <summary>The data set's key, for messages.</summary>
    public string DataType => Experiment.Data.Type;
}
