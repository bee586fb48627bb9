namespace Research.Training.Optimization;

/// <summary>
/// A decoded optimizer state (<see cref="OptimizerStateFormat.Decode"/>): the optimizer's type name, its number of parameter
/// groups, and one <see cref="OptimizerParameterState"/> per parameter in the optimizer's order.
/// </summary>
public sealed record OptimizerStateInfo(string Type, int Groups, IReadOnlyList<OptimizerParameterState> States)
{
    /// <summary>Each group's options, in order.</summary>
    public IReadOnlyList<OptimizerGroupOptions> Options { get; init; } = [];
}
