namespace Research.IntegrationTests;

/// <summary>The tiny 2-D DDPM experiment (20 steps) that the sweep tests, local and Slurm, sweep over.</summary>
public static class TinySweep
{
    /// <summary>Writes <c>tiny.json</c> into <paramref name="dir"/> with <paramref name="sweepJson"/> as its <c>sweep</c> object; returns its path.</summary>
    public static string Write(string dir, string sweepJson)
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
          "sweep": SWEEP
        }
        """.Replace("SWEEP", sweepJson));
        return path;
    }
}
