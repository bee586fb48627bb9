using Microsoft.Extensions.DependencyInjection;
using Research.Core.Plugins;

namespace Research.Plugins.VPrediction;

/// <summary>The assembly's one entry type: the host instantiates it and calls <see cref="Register"/>.</summary>
public sealed class VPredictionPlugin : IResearchPlugin
{
    /// <inheritdoc />
    public void Register(IServiceCollection services) => services.AddVPrediction();
}
