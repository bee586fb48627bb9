using Microsoft.Extensions.DependencyInjection;
using Research.Core.Data;
using Research.Core.Registry;

namespace Research.Data.TwoD;

/// <summary>Registers the 2-D datasets: <c>gaussian-grid</c>, <c>gaussian-ring</c>, <c>swiss-roll</c>.</summary>
public static class TwoDRegistration
{
    /// <summary>Adds the three 2-D datasets.</summary>
    public static IServiceCollection AddTwoDDatasets(this IServiceCollection services) =>
        services
            .AddDataset<GaussianGridOptions>(GaussianGrid.Name,
                "25-Gaussian grid of DDGAN/SIDDM (means (5i, 5j), σ = 1/3, noise clipped to [−1, 1]); label = component",
                (o, _) => GaussianGrid.Create(o), o => new DataDescription([2], o.GridSize * o.GridSize))
            .AddDataset<GaussianRingOptions>(GaussianRing.Name,
                "8 Gaussians on a ring (radius 2, σ = 0.02; VEEGAN/PacGAN); label = component",
                (o, _) => GaussianRing.Create(o), o => new DataDescription([2], o.NumModes))
            .AddDataset<SwissRollOptions>(SwissRoll.Name,
                "Swiss roll (sklearn-style); label = arc segment",
                (o, _) => SwissRoll.Create(o), o => new DataDescription([2], o.NumSegments));
}
