using System.Collections.ObjectModel;

namespace Research.Data.TwoD;

/// <summary>
/// The known modes of a 2-D mixture of isotropic Gaussians with a common std: the component means and σ, in
/// data space. Component k's label in <see cref="PointSet2D.Labels"/> is its index in <see cref="Means"/>.
/// </summary>
/// <remarks>
/// Mode-coverage metrics (VEEGAN, arXiv:1705.07761; PacGAN, arXiv:1712.04086) need exactly this: the nearest
/// mean of each sample and a radius in units of σ. Data sets without discrete Gaussian modes (the swiss roll)
/// have none.
/// </remarks>
public sealed class ModeSet2D
{
    /// <summary>Creates a mode set; copies <paramref name="means"/>.</summary>
    /// <param name="means">Component means in data space, at least one.</param>
    /// <param name="sigma">Per-coordinate std of every component, data space; positive.</param>
    public ModeSet2D(IEnumerable<(double X, double Y)> means, double sigma)
    {
        ArgumentNullException.ThrowIfNull(means);
        var copy = means.ToArray();
        if (copy.Length == 0) throw new ArgumentException("A mode set needs at least one mean.", nameof(means));
        if (copy.Any(m => !double.IsFinite(m.X) || !double.IsFinite(m.Y)))
            throw new ArgumentException("Means must be finite.", nameof(means));
        if (!(sigma > 0) || !double.IsFinite(sigma))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be positive and finite.");
        Means = new ReadOnlyCollection<(double X, double Y)>(copy);
        Sigma = sigma;
    }

    /// <summary>Component means (data space), in label order.</summary>
    public IReadOnlyList<(double X, double Y)> Means { get; }

    /// <summary>Per-coordinate standard deviation of each component (data space), before any clipping.</summary>
    public double Sigma { get; }

    /// <summary>Number of components K.</summary>
    public int Count => Means.Count;
}
