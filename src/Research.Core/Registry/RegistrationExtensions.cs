using Microsoft.Extensions.DependencyInjection;
using Research.Core.Backbones;
using Research.Core.Data;
using Research.Core.Parameterizations;

namespace Research.Core.Registry;

/// <summary>
/// The typed <c>Add…</c> calls every family, backbone and dataset registers through — built-in ones and
/// external plugins alike. <see cref="AddComponentRegistry"/> adds the registry that collects them.
/// </summary>
public static class RegistrationExtensions
{
    /// <summary>Adds the singleton <see cref="ComponentRegistry"/> built from every registration.</summary>
    public static IServiceCollection AddComponentRegistry(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ComponentRegistry(sp.GetServices<ComponentRegistration>()));
        return services;
    }

    /// <summary>Registers a family (parameterization).</summary>
    /// <param name="services">The container.</param>
    /// <param name="key">Permanent key, e.g. <c>ddpm-eps</c>.</param>
    /// <param name="description">One line for <c>research list</c>.</param>
    /// <param name="networks">Networks the family trains; each gets an optimizer.</param>
    /// <param name="emaNetworks">Networks whose EMA is kept and used for sampling.</param>
    /// <param name="factory">Builds the family from its options and the shared <see cref="BuildContext"/>.</param>
    /// <param name="rules">What the family refuses (data, sampling requests), checked by validation before any tensor exists;
    /// without it only the checks every family gets run.</param>
    public static IServiceCollection AddParameterization<TOptions>(this IServiceCollection services, string key,
        string description, IReadOnlyList<string> networks, IReadOnlyList<string> emaNetworks,
        Func<TOptions, BuildContext, IParameterization> factory, FamilyRules<TOptions>? rules = null) where TOptions : class, new()
    {
        if (emaNetworks.Except(networks).FirstOrDefault() is { } stray)
            throw new ArgumentException($"'{key}': EMA network '{stray}' is not among its networks.");
        services.AddSingleton(new ComponentRegistration(ComponentKind.Parameterization, key, typeof(TOptions),
            description, (o, c) => factory((TOptions)o, (BuildContext)c))
        {
            Networks = networks,
            EmaNetworks = emaNetworks,
            Origin = typeof(TOptions).Assembly.GetName().Name ?? "?",
            CheckRun = rules?.Run is { } run ? (o, f) => run((TOptions)o, f) : null,
            CheckSampling = rules?.Sampling is { } sampling ? (o, r, f) => sampling((TOptions)o, r, f) : null,
        });
        return services;
    }

    /// <summary>Registers a backbone; its factory builds a network for a family's <see cref="BackboneRequest"/>.</summary>
    /// <param name="services">The container.</param>
    /// <param name="key">Permanent key, e.g. <c>unet</c>.</param>
    /// <param name="description">One line for <c>research list</c>.</param>
    /// <param name="factory">Builds a network for a request.</param>
    /// <param name="check">What the backbone refuses given the data (<c>(options, facts) → messages</c>, each starting with the JSON
    /// path from the root), checked by validation before any tensor exists.</param>
    public static IServiceCollection AddBackbone<TOptions>(this IServiceCollection services, string key,
        string description, Func<TOptions, BackboneRequest, Backbone> factory,
        Func<TOptions, RunFacts, IEnumerable<string>>? check = null) where TOptions : class, new()
    {
        services.AddSingleton(new ComponentRegistration(ComponentKind.Backbone, key, typeof(TOptions), description,
            (o, c) => factory((TOptions)o, (BackboneRequest)c))
        {
            Origin = typeof(TOptions).Assembly.GetName().Name ?? "?",
            CheckRun = check is null ? null : (o, f) => check((TOptions)o, f),
        });
        return services;
    }

    /// <summary>Registers a dataset.</summary>
    /// <param name="services">The container.</param>
    /// <param name="key">Permanent key, e.g. <c>mnist</c>.</param>
    /// <param name="description">One line for <c>research list</c>.</param>
    /// <param name="factory">Loads the data.</param>
    /// <param name="describe">The data's shape and classes from the options alone, so validation can check sampling requests,
    /// families and backbones against them.</param>
    /// <param name="probe">A cheap look at the files (headers only) before a run creates anything: the refined description and
    /// every problem naming its file.</param>
    public static IServiceCollection AddDataset<TOptions>(this IServiceCollection services, string key,
        string description, Func<TOptions, DatasetContext, IDataSource> factory,
        Func<TOptions, DataDescription>? describe = null, Func<TOptions, DatasetContext, DataProbe>? probe = null)
        where TOptions : class, new()
    {
        services.AddSingleton(new ComponentRegistration(ComponentKind.Dataset, key, typeof(TOptions), description,
            (o, c) => factory((TOptions)o, (DatasetContext)c))
        {
            Origin = typeof(TOptions).Assembly.GetName().Name ?? "?",
            DescribeData = describe is null ? null : o => describe((TOptions)o),
            ProbeData = probe is null ? null : (o, c) => probe((TOptions)o, c),
        });
        return services;
    }
}
