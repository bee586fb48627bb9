using System.CommandLine;
using Research.Training.Experiments;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research eval</c>: evaluate a trained run with every sampling request of its configuration. <c>--set key=value</c>
/// (repeatable, as for <c>research train</c>) layers overrides on the run's <c>resolved.json</c> for this evaluation only,
/// e.g. other sampling requests or a feature extractor, without retraining; they are validated like any configuration.
/// <c>--rescore</c> draws nothing: it scores each request's stored samples again with this build's metrics
/// (<see cref="SampleEvaluator.RescoreAll"/>), e.g. after a metric was added to a 26,000-sample StackedMNIST draw; with
/// <c>--first N</c> it scores only each request's first N samples, to set a row beside rows drawn at N.
/// </summary>
public static class EvalCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var folder = CommonOptions.RunFolder();
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint name under checkpoints/ or a path", DefaultValueFactory = _ => "latest" };
        var dataRoot = CommonOptions.DataRoot();
        var set = CommonOptions.Set();
        var rescore = new Option<bool>("--rescore")
        {
            Description = "Draw nothing: score each request's stored samples (samples/<request>.safetensors) again with this build's metrics; " +
                          "NFE, time and peak memory stay those of the draw",
        };
        var first = new Option<int?>("--first")
        {
            Description = "With --rescore: score only the first N stored samples of each request (a new line '<label>, first N', " +
                          "and the real-data row at N), to compare with rows drawn at N",
        };
        var cmd = new Command("eval", "Evaluate a trained run: sample each request of its configuration (--set overrides it), score, print the table")
            { folder, checkpoint, dataRoot, set, rescore, first };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            if (p.GetValue(first) is { } n && (n <= 0 || !p.GetValue(rescore)))
                throw new UsageException(n <= 0 ? $"--first {n}: the number of stored samples to score must be positive" : "--first needs --rescore (it scores stored samples)");
            using var services = Services.Build(Path.Combine(p.GetValue(folder)!, "resolved.json"));
            var runner = new ExperimentRunner(services.Registry(), RunCommand.Settings("runs", p.GetValue(dataRoot)!), stdout);
            var (session, run) = runner.OpenTrained(p.GetValue(folder)!, p.GetValue(checkpoint)!, p.GetValue(set) ?? []);
            using (session)
            using (run)
            {
                string method = SampleEvaluator.MethodOf(run, session.Options);
                var rows = p.GetValue(rescore) ? SampleEvaluator.RescoreAll(session, run, method, p.GetValue(first)) : SampleEvaluator.EvaluateAll(session, run, method);
                var table = ComparisonTable.Build(rows);
                table.WriteMarkdown(Path.Combine(run.Path, "table.md"));
                table.WriteCsv(Path.Combine(run.Path, "table.csv"));
                stdout.WriteLine(table.ToText());
                foreach (var row in ComparisonTable.Diverged(rows))
                    stderr.WriteLine($"warning: diverged: {row}: non-finite values, recorded as null (non_finite) in metrics.jsonl");
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
