using Research.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Data.TwoD;

/// <summary>
/// A materialised 2-D data set: N points (data space) with integer labels, an affine map to model space, and,
/// for mixtures of Gaussians, the known <see cref="Modes"/>. Minibatches are drawn uniformly with replacement.
/// </summary>
/// <remarks>
/// Model space is <c>(x − Center) / Scale</c>; <see cref="ToDataSpace"/> is its inverse. The set owns its tensors
/// (detached from any dispose scope) until <see cref="Dispose"/>.
/// </remarks>
public sealed class PointSet2D : IDataSource
{
    private readonly Tensor points;      // [N, 2] float32, data space
    private readonly Tensor modelPoints; // [N, 2] float32, model space
    private readonly Tensor labels;      // [N] int64
    private bool disposed;

    /// <summary>Creates a point set from copies of <paramref name="pointsDataSpace"/> and <paramref name="labels"/>.</summary>
    /// <param name="name">Short name used in plots and tables, e.g. <c>25-gaussians</c>.</param>
    /// <param name="pointsDataSpace">Points <c>[N, 2]</c>, any floating dtype; stored as float32.</param>
    /// <param name="labels">Labels <c>[N]</c> in [0, <paramref name="numClasses"/>); stored as int64.</param>
    /// <param name="numClasses">Number of label values.</param>
    /// <param name="center">Data-space point mapped to the model-space origin.</param>
    /// <param name="scale">Data-space length mapped to 1 in model space; positive.</param>
    /// <param name="modes">Known Gaussian modes, or null when the data have none.</param>
    public PointSet2D(string name, Tensor pointsDataSpace, Tensor labels, int numClasses,
        (double X, double Y) center, double scale, ModeSet2D? modes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(pointsDataSpace);
        ArgumentNullException.ThrowIfNull(labels);
        if (pointsDataSpace.dim() != 2 || pointsDataSpace.shape[1] != 2 || pointsDataSpace.shape[0] < 1)
            throw new ArgumentException($"Points must be [N, 2] with N ≥ 1, got [{string.Join(", ", pointsDataSpace.shape)}].", nameof(pointsDataSpace));
        if (labels.dim() != 1 || labels.shape[0] != pointsDataSpace.shape[0])
            throw new ArgumentException("Labels must be [N], one per point.", nameof(labels));
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "Need at least one class.");
        if (!(scale > 0) || !double.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be positive and finite.");
        if (!double.IsFinite(center.X) || !double.IsFinite(center.Y)) throw new ArgumentException("center must be finite.", nameof(center));

        Name = name;
        NumClasses = numClasses;
        Center = center;
        Scale = scale;
        Modes = modes;
        using (NewDisposeScope())
        {
            var labelCopy = labels.detach().to(int64, CPU, copy: true);                // [N]
            // Check before anything leaves the scope, so a throw leaks nothing.
            if (labelCopy.min().item<long>() < 0 || labelCopy.max().item<long>() >= numClasses)
                throw new ArgumentException($"Labels must lie in [0, {numClasses}).", nameof(labels));
            this.labels = labelCopy.DetachFromDisposeScope();
            this.points = pointsDataSpace.detach().to(float32, CPU, copy: true).DetachFromDisposeScope();
            this.modelPoints = ToModelSpace(this.points).DetachFromDisposeScope();
        }
    }

    /// <summary>Short name used in plots and tables.</summary>
    public string Name { get; }

    /// <summary>Data-space point mapped to the model-space origin.</summary>
    public (double X, double Y) Center { get; }

    /// <summary>Data-space length mapped to 1 in model space.</summary>
    public double Scale { get; }

    /// <summary>Known Gaussian modes (data space), or null when the data have none (swiss roll): mode metrics are then N/A.</summary>
    public ModeSet2D? Modes { get; }

    /// <summary>All points in data space, <c>[N, 2]</c> float32 CPU. Owned by this set: read it, never dispose or modify it.</summary>
    public Tensor Points => ThrowIfDisposed(points);

    /// <summary>All labels, <c>[N]</c> int64 CPU (component or segment index). Owned by this set: never dispose or modify it.</summary>
    public Tensor Labels => ThrowIfDisposed(labels);

    /// <inheritdoc />
    public long[] SampleShape => [2];

    /// <inheritdoc />
    public int NumClasses { get; }

    /// <inheritdoc />
    public long Count => points.shape[0];

    /// <inheritdoc />
    public TrainBatch NextBatch(int batchSize, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentNullException.ThrowIfNull(generator);
        ThrowIfDisposed(points);
        using var index = randint(0, Count, [batchSize], dtype: int64, generator: generator); // [B]
        return new TrainBatch(modelPoints.index_select(0, index), labels.index_select(0, index));
    }

    /// <summary>Maps data-space points <c>[..., 2]</c> to model space. Returns a new float tensor.</summary>
    public Tensor ToModelSpace(Tensor dataSpace)
    {
        ArgumentNullException.ThrowIfNull(dataSpace);
        using var c = CenterTensor(dataSpace);
        using var shifted = dataSpace - c;
        return shifted / Scale;
    }

    /// <inheritdoc />
    public Tensor ToDataSpace(Tensor modelSpace)
    {
        ArgumentNullException.ThrowIfNull(modelSpace);
        using var c = CenterTensor(modelSpace);
        using var scaled = modelSpace * Scale;
        return scaled + c;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        points.Dispose();
        modelPoints.Dispose();
        labels.Dispose();
    }

    private Tensor CenterTensor(Tensor like)
    {
        if (like.shape.Length == 0 || like.shape[^1] != 2)
            throw new ArgumentException($"Expected a last dimension of 2, got [{string.Join(", ", like.shape)}].", nameof(like));
        var dtype = like.is_floating_point() ? like.dtype : float32;
        return tensor(new[] { Center.X, Center.Y }, dtype: dtype, device: like.device); // [2]
    }

    private Tensor ThrowIfDisposed(Tensor t)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return t;
    }
}
