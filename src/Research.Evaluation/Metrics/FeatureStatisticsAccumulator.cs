using static TorchSharp.torch;

namespace Research.Evaluation.Metrics;

/// <summary>
/// Streams feature batches into a mean and covariance without keeping the features (50,000 × 2048 float32 would be
/// 400 MB), in float64.
/// </summary>
/// <remarks>
/// Sums are taken about a shift c (the first batch's mean): S₁ = Σ(x − c), S₂ = Σ(x − c)(x − c)ᵀ; then
/// μ = c + S₁/N and Σ = (S₂ − S₁S₁ᵀ/N)/(N − 1). Shifting by a value near the mean avoids the cancellation of the
/// naive Σxxᵀ − Nμμᵀ when features have a large common offset (ReLU features are all positive).
/// </remarks>
public sealed class FeatureStatisticsAccumulator : IDisposable
{
    private Tensor? _shift;   // [d]
    private Tensor? _sum;     // [d]
    private Tensor? _outer;   // [d, d]

    /// <summary>Feature vectors added so far.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a batch <c>[B, d]</c> (any device and float dtype; copied to CPU float64).</summary>
    public void Add(Tensor features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() != 2 || features.shape[0] == 0)
            throw new ArgumentException($"Expected features [B, d] with B ≥ 1, got [{string.Join(", ", features.shape)}].", nameof(features));
        using var scope = NewDisposeScope();
        var x = features.detach().to(float64, CPU);                         // [B, d]
        if (_shift is null)
        {
            _shift = x.mean([0L]).DetachFromDisposeScope();
            _sum = zeros(x.shape[1], dtype: float64).DetachFromDisposeScope();
            _outer = zeros([x.shape[1], x.shape[1]], dtype: float64).DetachFromDisposeScope();
        }
        else if (x.shape[1] != _shift.shape[0])
        {
            throw new ArgumentException($"Feature dimension changed from {_shift.shape[0]} to {x.shape[1]}.", nameof(features));
        }
        var centred = x - _shift;                                           // [B, d]
        _sum!.add_(centred.sum([0L]));
        _outer!.add_(centred.t().matmul(centred));
        Count += x.shape[0];
    }

    /// <summary>The statistics of everything added (at least 2 vectors).</summary>
    public FeatureStatistics ToStatistics(string extractorName = "", string extractorHash = "")
    {
        if (Count < 2 || _shift is null) throw new InvalidOperationException($"Need at least 2 feature vectors, have {Count}.");
        using var scope = NewDisposeScope();
        double n = Count;
        var mean = _shift + _sum! / n;                                      // [d]
        var cov = (_outer! - _sum!.outer(_sum!) / n) / (n - 1);             // [d, d]
        cov = (cov + cov.t()) / 2;                                          // exact symmetry despite round-off
        return new FeatureStatistics(mean.data<double>().ToArray(), cov.contiguous().data<double>().ToArray(), Count, extractorName, extractorHash);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _shift?.Dispose();
        _sum?.Dispose();
        _outer?.Dispose();
    }
}
