using System.CommandLine;
using Research.Cli.Sweeps;

namespace Research.Cli.Commands;

/// <summary>
/// The options of <c>research sweep</c> that choose and configure where points run: <c>--launcher local|slurm</c>,
/// <c>--workers</c> for local, and the sbatch resources and waiting for Slurm. An option of the other launcher is a
/// usage error rather than silently ignored.
/// </summary>
public sealed class SweepLauncherOptions
{
    private readonly Option<string> _launcher = new("--launcher")
    {
        Description = "local: worker processes on this machine | slurm: one job-array task per pending point",
        DefaultValueFactory = _ => "local",
    };
    private readonly Option<int> _workers = new("--workers") { Description = "local: points run at once, each in its own process", DefaultValueFactory = _ => 1 };
    private readonly Option<string?> _partition = new("--partition") { Description = "slurm: partition (sbatch --partition)" };
    private readonly Option<string?> _time = new("--time") { Description = "slurm: time limit per task, e.g. 02:00:00 (sbatch --time)" };
    private readonly Option<int?> _cpus = new("--cpus-per-task") { Description = "slurm: CPUs per task; match the experiment's threads (sbatch --cpus-per-task)" };
    private readonly Option<string?> _mem = new("--mem") { Description = "slurm: memory per task, e.g. 4G (sbatch --mem)" };
    private readonly Option<string[]> _extra = new("--slurm-arg")
    {
        Description = "slurm: one more sbatch option for the script, written with '=': --slurm-arg=--qos=short (repeatable)",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };
    private readonly Option<bool> _noWait = new("--no-wait") { Description = "slurm: submit and exit; run the same command again later to wait and write the table" };
    private readonly Option<int> _poll = new("--poll-seconds") { Description = "slurm: seconds between squeue polls while waiting", DefaultValueFactory = _ => 10 };

    /// <summary>Creates the options.</summary>
    public SweepLauncherOptions() => _launcher.AcceptOnlyFromAmong("local", "slurm");

    private IEnumerable<Option> SlurmOnly => [_partition, _time, _cpus, _mem, _extra, _noWait, _poll];

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_launcher);
        command.Options.Add(_workers);
        foreach (var o in SlurmOnly) command.Options.Add(o);
    }

    /// <summary>The launcher the parsed options ask for; a misplaced or out-of-range option throws <see cref="UsageException"/>.</summary>
    public ISweepLauncher Create(ParseResult p)
    {
        if (p.GetValue(_launcher) == "slurm")
        {
            if (Given(p, _workers)) throw new UsageException("--workers applies to --launcher local; Slurm runs every pending point as an array task");
            if (p.GetValue(_cpus) is < 1) throw new UsageException("--cpus-per-task must be at least 1");
            if (p.GetValue(_poll) < 1) throw new UsageException("--poll-seconds must be at least 1");
            return new SlurmSweepLauncher(new SlurmOptions
            {
                Partition = p.GetValue(_partition),
                Time = p.GetValue(_time),
                CpusPerTask = p.GetValue(_cpus),
                Mem = p.GetValue(_mem),
                ExtraArgs = p.GetValue(_extra) ?? [],
                Wait = !p.GetValue(_noWait),
                PollInterval = TimeSpan.FromSeconds(p.GetValue(_poll)),
            });
        }
        if (SlurmOnly.FirstOrDefault(o => Given(p, o)) is { } misplaced)
            throw new UsageException($"{misplaced.Name} applies to --launcher slurm only");
        if (p.GetValue(_workers) < 1) throw new UsageException("--workers must be at least 1");
        return new LocalSweepLauncher(p.GetValue(_workers));
    }

    private static bool Given(ParseResult p, Option option) => p.GetResult(option) is { Implicit: false };
}
