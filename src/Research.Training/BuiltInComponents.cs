using Microsoft.Extensions.DependencyInjection;
using Research.Data.Images;
using Research.Data.TwoD;
using Research.Models.Gan;
using Research.Models.Mlp;
using Research.Models.UNet;
using Research.Parameterizations.ClassifierGuided;
using Research.Parameterizations.Ddgan;
using Research.Parameterizations.Ddpm;
using Research.Parameterizations.Siddm;

namespace Research.Training;

/// <summary>Every built-in family, backbone and dataset, each through its own <c>Add…</c> call.</summary>
public static class BuiltInComponents
{
    /// <summary>Registers the built-ins (external plugins use the same <c>Add…</c> calls).</summary>
    public static IServiceCollection AddBuiltInComponents(this IServiceCollection services) =>
        services
            .AddDdpm()
            .AddClassifierGuided()
            .AddDdgan()
            .AddSiddm()
            .AddMlpBackbone()
            .AddUNetBackbone()
            .AddDdganDiscriminatorBackbone()
            .AddTwoDDatasets()
            .AddImageDatasets();
}
