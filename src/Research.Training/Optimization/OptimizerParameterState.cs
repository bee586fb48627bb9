using static TorchSharp.torch;

namespace Research.Training.Optimization;

/// <summary>
/// One parameter's Adam/AdamW state as stored: its step count and the dtype and shape of its moments (exp_avg, exp_avg_sq and,
/// with amsgrad, max_exp_avg_sq, all of the parameter's shape).
/// </summary>
public sealed record OptimizerParameterState(long Step, ScalarType Dtype, long[] Shape)
{
    /// <summary>Each moment's name (exp_avg, exp_avg_sq, max_exp_avg_sq) and where its raw bytes start in the decoded state.</summary>
    public IReadOnlyList<(string Name, int At)> Moments { get; init; } = [];

    /// <summary>The shape as <c>a, b, c</c>.</summary>
    public string ShapeText => string.Join(", ", Shape);
}
