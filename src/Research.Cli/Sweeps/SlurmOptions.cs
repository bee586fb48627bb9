namespace Research.Cli.Sweeps;

/// <summary>How <c>research sweep --launcher slurm</c> asks Slurm for resources and whether it waits.</summary>
public sealed record SlurmOptions
{
    /// <summary><c>#SBATCH --partition</c>; null: the cluster's default partition.</summary>
    public string? Partition { get; init; }

    /// <summary><c>#SBATCH --time</c> per task (e.g. <c>02:00:00</c>); null: the partition's default limit.</summary>
    public string? Time { get; init; }

    /// <summary><c>#SBATCH --cpus-per-task</c>; null: Slurm's default (1). Match the experiment's <c>threads</c>.</summary>
    public int? CpusPerTask { get; init; }

    /// <summary><c>#SBATCH --mem</c> per task (e.g. <c>4G</c>); null: the partition's default.</summary>
    public string? Mem { get; init; }

    /// <summary>Further sbatch options, each written as one <c>#SBATCH</c> line (e.g. <c>--qos=short</c>).</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    /// <summary>Wait for the array to end, then aggregate (default). False: submit and return.</summary>
    public bool Wait { get; init; } = true;

    /// <summary>Time between two <c>squeue</c> polls while waiting (default 10 s: cheap for the controller).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);
}
