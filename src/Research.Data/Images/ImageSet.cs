using Research.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Data.Images;

/// <summary>
/// A materialised image data set: N images stored as 8-bit <c>[N, C, S, S]</c> with optional labels. Minibatches are
/// scaled to model space [−1, 1] (x/127.5 − 1) and optionally flipped horizontally.
/// </summary>
/// <remarks>
/// <b>Order.</b> Each <see cref="NextBatch"/> draws its indices uniformly with replacement, then (with flips on) one coin per
/// image, all from the given generator and nothing else. The data order is therefore a function of the generator state
/// alone, which the checkpoints store: a resumed run sees exactly the batches an uninterrupted one would. An epoch-shuffled
/// order would also need the position within the epoch, which no checkpoint holds. Over a run the two differ only in
/// variance of the per-image visit counts.
/// </remarks>
public sealed class ImageSet : IDataSource
{
    private readonly Tensor images; // [N, C, S, S] uint8
    private readonly Tensor? labels; // [N] int64
    private readonly bool _flip;
    private bool _disposed;

    /// <summary>Takes copies of <paramref name="pixels"/> (uint8 <c>[N, C, H, W]</c>) and <paramref name="labelValues"/> (<c>[N]</c>, or null).</summary>
    public ImageSet(string name, Tensor pixels, Tensor? labelValues, int numClasses, bool flip)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.dim() != 4 || pixels.dtype != ScalarType.Byte || pixels.shape[0] < 1)
            throw new ArgumentException($"{name}: images must be uint8 [N ≥ 1, C, H, W], got {pixels.dtype} [{string.Join(", ", pixels.shape)}]");
        if (labelValues is not null && (labelValues.dim() != 1 || labelValues.shape[0] != pixels.shape[0]))
            throw new ArgumentException($"{name}: one label per image needed");
        Name = name;
        NumClasses = labelValues is null ? 0 : numClasses;
        _flip = flip;
        images = pixels.detach().to(ScalarType.Byte, CPU, copy: true).contiguous().DetachFromDisposeScope();
        labels = labelValues?.detach().to(int64, CPU, copy: true).DetachFromDisposeScope();
    }

    /// <summary>Short name for logs.</summary>
    public string Name { get; }

    /// <summary>All images, uint8 <c>[N, C, S, S]</c> (owned by the set: never dispose or modify).</summary>
    public Tensor Pixels => ThrowIfDisposed(images);

    /// <summary>All labels <c>[N]</c> int64, or null (owned by the set).</summary>
    public Tensor? Labels => labels is null ? null : ThrowIfDisposed(labels);

    /// <inheritdoc />
    public long[] SampleShape => images.shape[1..];

    /// <inheritdoc />
    public int NumClasses { get; }

    /// <inheritdoc />
    public long Count => images.shape[0];

    /// <inheritdoc />
    public TrainBatch NextBatch(int batchSize, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentNullException.ThrowIfNull(generator);
        ThrowIfDisposed(images);
        using var scope = NewDisposeScope();
        var index = randint(0, Count, [batchSize], dtype: int64, generator: generator);           // [B]
        var x = images.index_select(0, index).to_type(float32) / 127.5 - 1.0;                     // [B, C, S, S] in [−1, 1]
        if (_flip)
        {
            var coin = rand([batchSize], generator: generator).lt(0.5).reshape(batchSize, 1, 1, 1); // [B, 1, 1, 1]
            x = where(coin, x.flip(3), x);
        }
        var y = labels?.index_select(0, index);
        return new TrainBatch(x.MoveToOuterDisposeScope(), y?.MoveToOuterDisposeScope());
    }

    /// <summary>Maps model space [−1, 1] to [0, 1] (not clamped). Returns a new tensor.</summary>
    public Tensor ToDataSpace(Tensor modelSpace)
    {
        ArgumentNullException.ThrowIfNull(modelSpace);
        using var shifted = modelSpace + 1.0;
        return shifted / 2.0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        images.Dispose();
        labels?.Dispose();
    }

    private Tensor ThrowIfDisposed(Tensor t)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return t;
    }
}
