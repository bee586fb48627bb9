using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Data;

/// <summary>
/// A training dataset as the shared loop sees it. Samples are in <em>model space</em> (what the
/// networks see, roughly unit scale); <see cref="ToDataSpace"/> maps back for metrics and plots.
/// </summary>
public interface IDataSource : IDisposable
{
    /// <summary>Shape of one sample without the batch dimension: <c>[2]</c> for 2-D points, <c>[C, H, W]</c> for images.</summary>
    long[] SampleShape { get; }

    /// <summary>Number of classes, or 0 when the data carry no labels.</summary>
    int NumClasses { get; }

    /// <summary>Number of training examples.</summary>
    long Count { get; }

    /// <summary>
    /// Draws a minibatch (CPU tensors, caller owns them) using only <paramref name="generator"/> for randomness.
    /// </summary>
    TrainBatch NextBatch(int batchSize, Generator generator);

    /// <summary>Maps model-space samples back to the data's own coordinates. Returns a new tensor.</summary>
    Tensor ToDataSpace(Tensor modelSpace);
}
