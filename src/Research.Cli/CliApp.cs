using System.CommandLine;
using System.CommandLine.Invocation;
using Research.Core.Runtime;
using Research.Cli.Commands;

namespace Research.Cli;

/// <summary>
/// The <c>research</c> command line: <c>run</c>, <c>train</c>, <c>sample</c>, <c>eval</c>, <c>validate</c>, <c>list</c>, <c>sweep</c>,
/// <c>schema</c>, <c>data fetch</c>, <c>weights export|import</c>, <c>table</c>, <c>plot</c>, <c>train-features</c>, <c>bench</c>.
/// Usage errors and invalid input exit with 2 and write nothing. No failure prints a stack trace unless the global option
/// <c>--debug</c> is given (<see cref="CommandErrors"/>).
/// </summary>
public static class CliApp
{
    private const string DebugOption = "--debug";
    private const string VerboseOption = "--verbose";
    private const string QuietOption = "--quiet";

    // Commands whose long work stops cleanly at the first SIGINT/SIGTERM (checkpoint, "interrupted", exit 130); any other
    // command ends at once with 130.
    private static readonly HashSet<string> Cooperative = new(StringComparer.Ordinal) { "run", "train", "sample", "eval", "sweep", "run-point" };

    /// <summary>
    /// The command tree: every command with its options, the global <c>--debug</c>, and <c>--version</c> printing the
    /// version with the commit the program was built from (<see cref="BuildInfo"/>).
    /// </summary>
    public static RootCommand CreateRoot(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("Research: fast diffusion families (DDPM, DDGAN, SIDDM, classifier guidance) side by side.");
        var debug = new Option<bool>(DebugOption) { Description = "On a failure, print the whole exception with its stack trace", Recursive = true };
        root.Options.Add(debug);
        root.Options.Add(new Option<bool>(VerboseOption, "-v") { Description = "More log lines on stderr (debug level)", Recursive = true });
        root.Options.Add(new Option<bool>(QuietOption, "-q") { Description = "No progress display, and only warnings and errors on stderr", Recursive = true });
        foreach (var command in new[]
                 {
                     RunCommand.Create(stdout, stderr), TrainCommand.Create(stdout, stderr), SampleCommand.Create(stdout, stderr),
                     EvalCommand.Create(stdout, stderr), ValidateCommand.Create(stdout, stderr), ListCommand.Create(stdout, stderr),
                     SchemaCommand.Create(stdout, stderr), SweepCommand.Create(stdout, stderr), RunPointCommand.Create(stdout, stderr),
                     DataCommand.Create(stdout, stderr), WeightsCommand.Create(stdout, stderr),
                     TableCommand.Create(stdout, stderr), PlotCommand.Create(stdout, stderr), CollectCommand.Create(stdout, stderr), TrainFeaturesCommand.Create(stdout, stderr),
                     BenchCommand.Create(stdout, stderr),
                 })
            root.Subcommands.Add(command);
        if (root.Options.OfType<VersionOption>().FirstOrDefault() is { } version)
            version.Action = new VersionAction(stdout);
        return root;
    }

    /// <summary>The line <c>research --version</c> prints: version, full build commit (and whether its tree was dirty), TorchSharp, .NET.</summary>
    public static string VersionLine() =>
        $"research {BuildInfo.Version} (commit {BuildInfo.Commit}{(BuildInfo.Dirty == true ? ", uncommitted changes" : "")}), " +
        $"TorchSharp {BuildInfo.TorchSharpVersion}, .NET {Environment.Version}";

    private sealed class VersionAction(TextWriter stdout) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            stdout.WriteLine(VersionLine());
            return ExitCodes.Ok;
        }
    }

    /// <summary>Parses and runs; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = CreateRoot(stdout, stderr);
        var debug = (Option<bool>)root.Options.First(o => o.Name == DebugOption);
        var parse = root.Parse(args);
        // Exceptions reach CommandErrors, never System.CommandLine's handler (which prints the stack trace).
        var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        if (parse.Errors.Count > 0)
        {
            // The parser's own report: "'rnu' was not matched. Did you mean one of the following?" with the closest commands
            // or options (edit distance), then the errors; all on stderr, without the help text, and exit 2.
            if (parse.Action is ParseErrorAction report)
            {
                report.ShowHelp = false;
                report.ShowTypoCorrections = true;
                parse.Invoke(new InvocationConfiguration { Output = stderr, Error = stderr, EnableDefaultExceptionHandler = false });
            }
            else
                foreach (var e in parse.Errors) stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine("Run 'research --help' for usage.");
            return ExitCodes.BadInput;
        }
        bool previous = CommandErrors.Debug;
        CommandErrors.Debug = parse.GetValue(debug);
        bool verbose = parse.GetValue<bool>(VerboseOption), quiet = parse.GetValue<bool>(QuietOption);
        if (verbose && quiet)
        {
            stderr.WriteLine("error: -v (--verbose) and -q (--quiet) exclude each other");
            return ExitCodes.BadInput;
        }
        string command = parse.CommandResult.Command.Name;
        // A sweep's local worker leaves Ctrl-C to its sweep (the whole process group gets it), which forwards SIGTERM.
        bool worker = command == "run-point" && args.Contains("--parent-pid");
        using var interruption = Training.Runs.Interruption.Install(ignoreSigint: worker);
        using var cooperating = Cooperative.Contains(command) ? interruption.Cooperate() : null;
        using var options = ConsoleOptions.Use(verbose, quiet, interruption);
        try
        {
            return parse.Invoke(config);
        }
        catch (Exception e)
        {
            return CommandErrors.Report(stderr, e);
        }
        finally
        {
            CommandErrors.Debug = previous;
            Training.Progress.StatusConsole.RestoreCursor();   // a bar hides it; shown again however the command ended
        }
    }
}
