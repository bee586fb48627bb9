using Microsoft.Extensions.DependencyInjection;
using Research.Core.Registry;

namespace Research.UnitTests.Configuration.Fakes;

/// <summary>
/// A registry of fake components for configuration tests: parameterizations <c>ddpm-eps</c>
/// (denoiser) and <c>ddgan</c> (generator, discriminator), backbone <c>mlp</c>, dataset
/// <c>gaussian-grid</c>. The factories are never called.
/// </summary>
public static class FakeRegistry
{
    /// <summary>Builds the registry through the same DI extensions the real plugins use.</summary>
    public static ComponentRegistry Build() => new ServiceCollection()
        .AddComponentRegistry()
        .AddParameterization<FakeDdpmOptions>("ddpm-eps", "fake DDPM", ["denoiser"], ["denoiser"],
            (_, _) => throw new NotImplementedException())
        .AddParameterization<FakeDdganOptions>("ddgan", "fake DDGAN", ["generator", "discriminator"], ["generator"],
            (_, _) => throw new NotImplementedException())
        .AddBackbone<FakeMlpOptions>("mlp", "fake MLP", (_, _) => throw new NotImplementedException())
        .AddDataset<FakeGridOptions>("gaussian-grid", "fake grid", (_, _) => throw new NotImplementedException())
        .BuildServiceProvider()
        .GetRequiredService<ComponentRegistry>();
}
