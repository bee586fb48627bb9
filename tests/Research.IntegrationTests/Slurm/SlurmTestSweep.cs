namespace Research.IntegrationTests.Slurm;

/// <summary>The tiny three-point sweep of the Slurm tests (a 2-D DDPM, a few steps): <c>T=25_seed=0</c>, <c>T=25_seed=1</c>, <c>T=50_seed=0</c>.</summary>
public static class SlurmTestSweep
{
    /// <summary>The sweep's point ids, in sweep order.</summary>
    public static readonly string[] Ids = ["T=25_seed=0", "T=25_seed=1", "T=50_seed=0"];

    /// <summary>Writes the experiment file into <paramref name="dir"/>; returns its path. The sweep is named <c>tsweep</c>.</summary>
    public static string Write(string dir) =>
        TinySweep.Write(dir, """{ "name": "tsweep", "zip": { "schedule.num_timesteps": [25, 25, 50], "seed": [0, 1, 0] }, "labels": { "schedule.num_timesteps": "T" } }""");
}
