using Microsoft.Extensions.DependencyInjection;
using Research.Core.Configuration;
using Research.Core.Plugins;
using Research.Core.Registry;
using Research.Training;
using Research.Training.Loop;

namespace Research.UnitTests.Contracts;

/// <summary>Tiny, CPU-only experiments for contract and overfit tests, built through the real loader and registry.</summary>
public static class TestExperiments
{
    private static readonly Lazy<ServiceProvider> Provider = new(BuildProvider);

    /// <summary>The registry of built-in components plus <see cref="TestPlugins"/> (loaded as an experiment's <c>plugins</c>).</summary>
    public static ComponentRegistry Registry => Provider.Value.GetRequiredService<ComponentRegistry>();

    /// <summary>Every registered parameterization key (the contract suite runs over all of them).</summary>
    public static IEnumerable<string> FamilyKeys => Registry.Keys(ComponentKind.Parameterization);

    /// <summary>
    /// A tiny experiment for <paramref name="family"/> with its default options: 2-D grid (20 points per mode),
    /// a 32-wide MLP, DDGAN's schedule with T = 4, batch 16. <paramref name="sets"/> are applied as --set overrides.
    /// </summary>
    public static ResolvedRun Tiny(string family, long seed = 0, params string[] sets) => Tiny(Registry, family, seed, sets);

    /// <summary>As <see cref="Tiny(string, long, string[])"/>, resolved against another registry (test-only families).</summary>
    public static ResolvedRun Tiny(ComponentRegistry registry, string family, long seed = 0, params string[] sets)
    {
        var dir = Directory.CreateTempSubdirectory("exp-").FullName;
        var path = Path.Combine(dir, "tiny.json");
        File.WriteAllText(path, $$"""
        {
          "name": "tiny-{{family}}",
          "seed": {{seed}},
          "device": "cpu",
          "data": { "type": "gaussian-grid", "options": { "num_per_mode": 20 } },
          "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16, "latent_embed_dim": 16 } },
          "schedule": { "type": "ddgan-vp", "num_timesteps": 4 },
          "parameterization": { "type": "{{family}}" },
          "training": { "steps": 20, "batch_size": 16, "log_every": 5, "checkpoint_every": 1000,
                        "ema": { "decay": 0.9 } },
          "sampling": [ { "label": "all", "num_samples": 8, "batch_size": 8 } ],
          "evaluation": { "mmd_points": 50, "plot": false }
        }
        """);
        try
        {
            return ExperimentLoader.Load(path, sets, registry).Runs.Single();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static ServiceProvider BuildProvider()
    {
        var dir = Directory.CreateTempSubdirectory("plugins-").FullName;
        try
        {
            var file = Path.Combine(dir, "plugins.json");
            File.WriteAllText(file, System.Text.Json.JsonSerializer.Serialize(new { plugins = TestPlugins.Paths }));
            return new ServiceCollection().AddComponentRegistry().AddBuiltInComponents().AddPlugins(file).BuildServiceProvider();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// Trains <paramref name="trainer"/>'s session to <paramref name="warmup"/> steps (optimizer states and EMA then exist),
    /// then on to <paramref name="total"/>, and returns the thread's live-tensor count after each (a leak shows as growth).
    /// </summary>
    public static (long Before, long After) LiveTensorsAcross(Trainer trainer, TrainingSession s, long warmup, long total)
    {
        s.Options.Training.Steps = warmup;
        trainer.Train();
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        s.Options.Training.Steps = total;
        trainer.Train();
        return (before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    /// <summary>Builds a session for a resolved run (CPU, data in memory).</summary>
    public static TrainingSession Session(ResolvedRun run, ComponentRegistry? registry = null) =>
        SessionBuilder.Build(run.Options, run.ResolvedJson, registry ?? Registry, Path.GetTempPath());
}
