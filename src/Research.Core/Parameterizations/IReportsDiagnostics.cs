using Research.Core.Data;
using static TorchSharp.torch;

namespace Research.Core.Parameterizations;

/// <summary>A family that can report extra diagnostics after training (e.g. a classifier's accuracy per noise level).</summary>
public interface IReportsDiagnostics
{
    /// <summary>Named values computed on fresh draws from <paramref name="data"/>.</summary>
    IReadOnlyDictionary<string, double> Diagnostics(IDataSource data, Generator generator);
}
