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
        var label = new Option<string>("--label") { Description = "Name of the output files under samples/", DefaultValueFactory = _ => "" };
        var labels = new Option<string>("--labels")
        {
            Description = "Classes to sample (class-conditional models): cycle (sample i gets class i mod K) or one class index",
            DefaultValueFactory = _ => "",
        };
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint name under checkpoints/ or a path", DefaultValueFactory = _ => "latest" };
        var dataRoot = CommonOptions.DataRoot();
        var cmd = new Command("sample", "Sample a trained run (EMA weights); writes samples/<label>.safetensors and a PNG, prints the metrics")
            { folder, steps, sampler, eta, variance, n, label, labels, checkpoint, dataRoot };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            if (p.GetValue(n) < 1) throw new UsageException("--num-samples must be at least 1");
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
                    Label = p.GetValue(label)!, Labels = p.GetValue(labels)!, BatchSize = Math.Min(p.GetValue(n), 10_000), TimingRepeats = 1,
                };
                if (spec.Validate().FirstOrDefault() is { } problem) throw new UsageException(problem);
                // The family's verdict on the variance (learned on a model without it, any variance with DDIM) and the labels
                // (a class-conditional model needs them, an unconditional one refuses them), as validation gives it.
                if (session.Family.CheckSampling?.Invoke(session.Options.Parameterization.Options!, spec, new RunFacts(session.Options, DataDescription.Unknown))
                        .FirstOrDefault(m => m.StartsWith("variance:", StringComparison.Ordinal) || m.StartsWith("labels:", StringComparison.Ordinal)) is { } requestProblem)
                    throw new UsageException("--" + requestProblem);
                var row = SampleEvaluator.Evaluate(session, run, session.Options.Name, spec);
                stdout.WriteLine($"{row.Sampling}: NFE {row.Nfe}, {row.MsPer1000:F1} ms per 1,000 samples");
                foreach (var (k, v) in row.Metrics) stdout.WriteLine($"  {k}: {v}");
                stdout.WriteLine($"Samples in {run.Samples}");
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
