using Research.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

/// <summary>
/// A labelled image source standing in for MNIST / Fashion-MNIST in tests: class c is a bright
/// <c>size/5</c>-sided square at cell (c mod 5, c div 5) of a 5×2 grid on a dark background, in model space [−1, 1],
/// plus Gaussian noise. Ten easily separable classes.
/// </summary>
internal sealed class SyntheticImageSource(int size = 28, float noise = 0.2f) : IDataSource
{
    public long[] SampleShape => [1, size, size];

    public int NumClasses => 10;

    public long Count => 10_000;

    public TrainBatch NextBatch(int batchSize, Generator generator)
    {
        var labels = randint(0, 10, [batchSize], dtype: int64, generator: generator);
        return new TrainBatch(Render(labels, generator), labels);
    }

    /// <summary>Images <c>[N, 1, size, size]</c> of the given labels.</summary>
    public Tensor Render(Tensor labels, Generator generator)
    {
        using var scope = NewDisposeScope();
        var n = labels.shape[0];
        var x = full([n, 1, size, size], -1f);
        int cell = size / 5;
        var values = labels.data<long>().ToArray();
        for (int i = 0; i < n; i++)
        {
            int c = (int)values[i], col = c % 5, row = c / 5;
            x[i, 0].narrow(0, row * (size / 2) + 2, cell).narrow(1, col * cell, cell).fill_(1f);
        }
        return (x + noise * randn(x.shape, generator: generator)).MoveToOuterDisposeScope();
    }

    public Tensor ToDataSpace(Tensor modelSpace) => modelSpace.alias();

    public void Dispose()
    {
    }
}
