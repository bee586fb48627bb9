using System.CommandLine;
using Research.Core.Data;
using Research.Core.Experiments;
using Research.Core.Registry;
using Research.Core.Sampling;
using Research.Training.Experiments;

namespace Research.Cli.Commands;

/// <summary><c>research sample</c>: draw samples from a trained run with sampling-time choices (steps, sampler, η, variance).</summary>
public static class SampleCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var folder = CommonOptions.RunFolder();
        var steps = new Option<string>("--steps") { Description = "Respacing: empty = trained chain, 100, ddim50, 10,15,20", DefaultValueFactory = _ => "" };
        var sampler = new Option<string>("--sampler") { Description = "ancestral | ddim", DefaultValueFactory = _ => "ancestral" };
        sampler.AcceptOnlyFromAmong("ancestral", "ddim");
        var eta = new Option<double>("--eta") { Description = "DDIM η (0 = deterministic)" };
        var variance = new Option<string>("--variance")
        {
            Description = "Reverse variance of the ancestral sampler: fixed-large | fixed-small | learned (empty = the family's default)",
            DefaultValueFactory = _ => "",
        };
        variance.AcceptOnlyFromAmong("", ReverseVarianceNames.FixedLarge, ReverseVarianceNames.FixedSmall, ReverseVarianceNames.Learned);
        var n = new Option<int>("--num-samples") { Description = "Number of samples", DefaultValueFactory = _ => 10_000 };
        var batch = new Option<int>("--batch-size")
        {
            Description = "Samples per network call (0 = the batch of the run's first sampling request, else all at once, at most 10,000)",
            DefaultValueFactory = _ => 0,
        };
        var label = new Option<string>("--label") { Description = "Name of the output files under samples/", DefaultValueFactory = _ => "" };
        var labels = new Option<string>("--labels")
        {
            Description = "Classes to sample (class-conditional models): cycle (sample i gets class i mod K) or one class index",
            DefaultValueFactory = _ => "",
        };
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint name under checkpoints/ or a path", DefaultValueFactory = _ => "latest" };
        var dataRoot = CommonOptions.DataRoot();
        var cmd = new Command("sample", "Sample a trained run (EMA weights); writes samples/<label>.safetensors and a PNG, prints the metrics")
            { folder, steps, sampler, eta, variance, n, batch, label, labels, checkpoint, dataRoot };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            if (p.GetValue(n) < 1) throw new UsageException("--num-samples must be at least 1");
            if (p.GetValue(batch) < 0) throw new UsageException($"--batch-size must be at least 1 (or 0 for the run's own), got {p.GetValue(batch)}");
            using var services = Services.Build(Path.Combine(p.GetValue(folder)!, "resolved.json"));
            var runner = new ExperimentRunner(services.Registry(), RunCommand.Settings("runs", p.GetValue(dataRoot)!), stdout);
            var (session, run) = runner.OpenTrained(p.GetValue(folder)!, p.GetValue(checkpoint)!);
            using (session)
            using (run)
            {
                var spec = new SamplingOptions
                {
                    Steps = p.GetValue(steps)!, Sampler = p.GetValue(sampler)!, Eta = p.GetValue(eta), Variance = p.GetValue(variance)!,
                    NumSamples = p.GetValue(n),
                    Label = p.GetValue(label)!, Labels = p.GetValue(labels)!, BatchSize = BatchSize(p.GetValue(batch), p.GetValue(n), session.Options),
                    TimingRepeats = 1,
                };
                if (spec.Validate().FirstOrDefault() is { } problem) throw new UsageException(problem);
                // The family's verdict on the variance (learned on a model without it, any variance with DDIM) and the labels
                // (a class-conditional model needs them, an unconditional one refuses them), as validation gives it.
                if (session.Family.CheckSampling?.Invoke(session.Options.Parameterization.Options!, spec, new RunFacts(session.Options, DataDescription.Unknown))
                        .FirstOrDefault(m => m.StartsWith("variance:", StringComparison.Ordinal) || m.StartsWith("labels:", StringComparison.Ordinal)) is { } requestProblem)
                    throw new UsageException("--" + requestProblem);
                // The row is named as the run's training named its own, so a table reads one row per run.
                var row = SampleEvaluator.Evaluate(session, run, SampleEvaluator.MethodOf(run, session.Options), spec);
                stdout.WriteLine($"{row.Sampling}: NFE {row.Nfe}, {row.MsPer1000:F1} ms per 1,000 samples ({spec.NumSamples} samples, {spec.BatchSize} a call)");
                foreach (var (k, v) in row.Metrics) stdout.WriteLine($"  {k}: {v}");
                stdout.WriteLine($"Samples in {run.Samples}");
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    // Samples a call: the one asked for, else the run's first request's (its author sized it for the run's network:
    // a UNet draw at 500 images a call ran 5x slower a sample than at 32-128 on a CPU, experiments/stacked-mnist/README.md),
    // else all at once up to 10,000 (a 2-D run without requests). Never more than the samples drawn.
    private static int BatchSize(int asked, int numSamples, ExperimentOptions options) =>
        Math.Min(numSamples, asked > 0 ? asked : options.Sampling.Count > 0 ? options.Sampling[0].BatchSize : 10_000);
}
