namespace Research.IntegrationTests.Slurm;

/// <summary>The tiny three-point sweep of the Slurm tests (a 2-D DDPM, a few steps): <c>T=25_seed=0</c>, <c>T=25_seed=1</c>, <c>T=50_seed=0</c>.</summary>
public static class SlurmTestSweep
{
    /// <summary>The sweep's point ids, in sweep order.</summary>
    public static readonly string[] Ids = ["T=25_seed=0", "T=25_seed=1", "T=50_seed=0"];

    /// <summary>Writes the experiment file into <paramref name="dir"/>; returns its path. The sweep is named <c>tsweep</c>.</summary>
    public static string Write(string dir)
    {
        var path = Path.Combine(dir, "tiny.json");
        File.WriteAllText(path, """
        {
          "name": "tiny-sweep", "device": "cpu", "threads": 1,
          "data": { "type": "gaussian-grid", "options": { "num_per_mode": 40 } },
          "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16 } },
          "schedule": { "type": "linear", "num_timesteps": 50 },
          "parameterization": { "type": "ddpm-eps" },
          "training": { "steps": 20, "batch_size": 32, "log_every": 10, "checkpoint_every": 10, "lr_schedule": "constant" },
          "sampling": [ { "label": "full", "num_samples": 100 } ],
          "evaluation": { "mmd_points": 50, "plot": false },
          "sweep": { "name": "tsweep", "zip": { "schedule.num_timesteps": [25, 25, 50], "seed": [0, 1, 0] }, "labels": { "schedule.num_timesteps": "T" } }
        }
        """);
        return path;
    }
}
