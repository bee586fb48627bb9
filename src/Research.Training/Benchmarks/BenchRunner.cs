using Research.Core.Configuration;
using Research.Core.Registry;
using Research.Evaluation.Metrics;
using Research.Training.Loop;
using static TorchSharp.torch;

namespace Research.Training.Benchmarks;

/// <summary>
/// Runs <c>research bench</c> over resolved runs in one process: per run, training and sampling speed (or, with
/// <see cref="BenchSettings.Soak"/>, the memory soak); then the fp32/bf16 comparison of the runs whose family is in
/// <see cref="BenchSettings.PrecisionFamilies"/>; <see cref="MeasureRatios"/> adds the DDPM/DDGAN per-sample ratio per backbone.
/// Nothing is written to disk.
/// </summary>
public sealed class BenchRunner(ComponentRegistry registry, BenchSettings settings, string dataRoot, Action<string> log)
{
    /// <summary>A new, empty report stamped with the settings and the current time.</summary>
    public BenchReport NewReport() => new() { StartedUtc = DateTime.UtcNow, Threads = get_num_threads(), Quick = settings.Quick };

    /// <summary>Benchmarks every run, in order, adding the results to <paramref name="report"/>.</summary>
    public void Run(IReadOnlyList<ResolvedRun> runs, BenchReport report)
    {
        foreach (var run in runs)
        {
            PeakMemory.TryResetPeak();
            using var s = SessionBuilder.Build(run.Options, run.ResolvedJson, registry, dataRoot);
            report.Threads = get_num_threads();
            var what = $"{run.Name} ({run.Options.Parameterization.Type}, {run.Options.Backbone.Type}, batch {run.Options.Training.BatchSize})";
            if (settings.Soak)
            {
                long steps = s.Data.SampleShape.Length == 1 ? settings.SoakSteps2D : settings.SoakStepsImages;
                log($"soak {what}: {steps} steps");
                var soak = SoakTest.Run(s, run.Name, steps, settings, log);
                log($"  {run.Name}: max RSS deviation {soak.MaxDeviationPct:F2} %, live tensors {soak.LiveTensors.Min()}–{soak.LiveTensors.Max()}: {(soak.Passed ? "pass" : "FAIL")}");
                report.Soak.Add(soak);
                continue;
            }
            log($"training {what}");
            var training = TrainingBench.Measure(s, run.Name, settings);
            log($"  {training.Step.Median:F3} ms/step (minimal {training.MinimalStep.Median:F3}, bare {training.BareNetworks?.Median:F3})");
            var sampled = new List<SamplingBenchResult>();
            IReadOnlyList<Core.Experiments.SamplingOptions?> requests = settings.AllRequests && run.Options.Sampling.Count > 0 ? [.. run.Options.Sampling] : [null];
            foreach (var request in requests)
            {
                log($"sampling {run.Name}{(request is null ? "" : $", {request.DisplayLabel}")}");
                var sampling = SamplingBench.Measure(s, run.Name, settings, request);
                log($"  NFE {sampling.Nfe}: {sampling.MsPerSample:F4} ms/sample");
                sampled.Add(sampling);
            }
            report.Training.Add(training with { PeakRssMiB = PeakMemory.Read().PeakResidentMiB });   // training and sampling
            report.Sampling.AddRange(sampled);
        }
        if (settings.Soak) return;
        foreach (var run in runs.Where(r => settings.PrecisionFamilies.Contains(r.Options.Parameterization.Type)))
        {
            log($"fp32 vs bf16 {run.Name} at batch {settings.PrecisionBatchSize}");
            var p = PrecisionBench.Measure(run.Name, run.ResolvedJson, registry, dataRoot, settings);
            log($"  fp32 {p.Fp32.Median:F3} ms/step, bf16 {p.Bf16.Median:F3} ms/step");
            report.Precision.Add(p);
        }
    }

    /// <summary>
    /// For each backbone with both a <c>ddpm-eps</c> and a <c>ddgan</c> run: the per-sample ratio of the longest DDPM chain over
    /// each DDGAN run (a preset and its variants, e.g. a cheaper generator, each get their row), timed in alternating calls on
    /// fresh sessions (<see cref="RatioBench"/>).
    /// </summary>
    public static void MeasureRatios(IReadOnlyList<(ResolvedRun Run, ComponentRegistry Registry)> runs, string dataRoot, BenchSettings settings,
        Action<string> log, BenchReport report)
    {
        foreach (var group in runs.GroupBy(r => r.Run.Options.Backbone.Type))
        {
            var slow = group.Where(r => r.Run.Options.Parameterization.Type == "ddpm-eps").OrderByDescending(r => r.Run.Options.Schedule.NumTimesteps).FirstOrDefault();
            if (slow.Run is null) continue;
            foreach (var fast in group.Where(r => r.Run.Options.Parameterization.Type == "ddgan"
                         && (settings.RatioRuns.Count == 0 || settings.RatioRuns.Any(n => r.Run.Name.Contains(n, StringComparison.Ordinal)))))
            {
                log($"sampling ratio on {group.Key}: {slow.Run.Name} against {fast.Run.Name}, alternating calls");
                var ratio = RatioBench.Measure(slow, fast, dataRoot, settings);
                log($"  {ratio.Slow.Median:F4} / {ratio.Fast.Median:F4} ms per sample = {ratio.Ratio:F0}×");
                report.Ratios.Add(ratio);
            }
        }
    }

    /// <summary>
    /// The machine's GEMM limit (<see cref="GemmThroughput"/>): fp32 and bf16, as a matrix product and as a 3 × 3
    /// convolution, at one thread and, on a machine with more cores, at all of them.
    /// </summary>
    public static void MeasureGemm(BenchSettings settings, Action<string> log, BenchReport report)
    {
        var threads = Environment.ProcessorCount > 1 ? new[] { 1, Environment.ProcessorCount } : [1];
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
            foreach (int n in threads)
                foreach (var kernel in Enum.GetValues<GemmKernel>())
                {
                    var g = GemmThroughput.Measure(dtype, n, settings.Quick, kernel);
                    log($"GEMM {g.Dtype} {g.Threads} thread(s) {g.Kernel}: best {g.BestGflops:F1} GFLOP/s");
                    report.Gemm.Add(g);
                }
    }

    /// <summary>
    /// Adds the process's peak memory: the largest of the per-run peaks (the peak is reset at the start of each run) and
    /// the current one.
    /// </summary>
    public static void Finish(BenchReport report) =>
        report.PeakRssMiB = report.Training.Select(t => t.PeakRssMiB).Where(double.IsFinite).Append(PeakMemory.Read().PeakResidentMiB).Max();
}
