using System.Diagnostics;
using Research.Core.Data;
using Research.Core.Experiments;
using Research.Core.IO;
using Research.Core.Parameterizations;
using Research.Data.Images;
using Research.Data.TwoD;
using Research.Evaluation.Features;
using Research.Evaluation.Images;
using Research.Evaluation.Metrics;
using Research.Evaluation.Reports;
using Research.Evaluation.TwoD;
using Research.Training.Loop;
using Research.Training.Progress;
using Research.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Experiments;

/// <summary>
/// Samples a trained session for each sampling request (with its EMA weights), times it, scores the samples
/// against the data and writes them into the run folder: safetensors, plus a scatter PNG (2-D) or a grid PNG of up to
/// 64 samples (images, <see cref="ImageGrid"/>).
/// </summary>
public static class SampleEvaluator
{
    /// <summary>
    /// Evaluates every request of the run's <c>sampling</c> list; one row each. With <paramref name="reuseFinished"/> (a
    /// training run or sweep point, which may be resumed after being stopped during its evaluations), a request this run
    /// already evaluated at the same step is read back from <c>metrics.jsonl</c> instead of drawn again (see
    /// <see cref="Finished"/>); <c>research eval</c> passes false and always draws.
    /// </summary>
    public static IReadOnlyList<ResultRow> EvaluateAll(TrainingSession s, RunFolder? run, string method, bool reuseFinished = false)
    {
        var rows = new List<ResultRow>();
        foreach (var spec in s.Options.Sampling)
            rows.Add((reuseFinished && run is not null ? Finished(s, run, method, spec) : null) ?? Evaluate(s, run, method, spec));
        if (s.Options.Evaluation.RealDataRow && s.Options.Sampling.Count > 0 && RealDataRow(s, run, s.Options.Sampling[0].NumSamples) is { } real)
            rows.Add(real);
        return rows;
    }

    /// <summary>
    /// The method name under which <c>research eval</c> records rows of an existing run, the same its training recorded, so
    /// that a table reads one run as one row: <c>run.json</c>'s <c>method</c>; for a folder written before that key, the
    /// one method of its earlier evaluation lines; else the parameterization type (what <c>research train</c> uses).
    /// </summary>
    public static string MethodOf(RunFolder run, ExperimentOptions options)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        if (RunRecord.ReadMethod(run.Path) is { } recorded) return recorded;
        var earlier = RunResultsReader.Read(run.Path).Select(r => r.Method).Where(m => m != RealDataMethod).Distinct().ToList();
        return earlier.Count == 1 ? earlier[0] : options.Parameterization.Type;
    }

    /// <summary>
    /// The row of a request this run already evaluated: the last evaluation line of its <c>metrics.jsonl</c> with the same
    /// method, label and training step (and sample count, where recorded), whose samples file is in place; null otherwise.
    /// The draw is seeded from the run's seed and the weights are those of the step, so drawing again would repeat the
    /// same samples — for a 1000-step DDPM row, tens of minutes spent to write the same numbers twice.
    /// </summary>
    public static ResultRow? Finished(TrainingSession s, RunFolder run, string method, SamplingOptions spec)
    {
        string label = spec.DisplayLabel;
        if (!File.Exists(Path.Combine(run.Samples, Slug(label) + ".safetensors"))) return null;
        var line = RunResultsReader.Read(run.Path)
            .LastOrDefault(r => r.Method == method && r.Eval == label && r.Step == s.Step);
        if (line?.Nfe is not { } nfe) return null;
        if (line.Metric(MetricKeys.NumSamples) is { } n && n != spec.NumSamples) return null;
        var metrics = Recorded(line);
        run.Log.Information("{Method} {Label}: evaluated before at step {Step} (metrics.jsonl, samples/{File}.safetensors); not drawn again",
            method, label, s.Step, Slug(label));
        return new ResultRow(method, label, nfe, line.MsPer1000 ?? 0, metrics);
    }

    // Every number and note of a recorded evaluation line, by key.
    private static Dictionary<string, object> Recorded(RunResult line)
    {
        var metrics = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (k, v) in line.Metrics) metrics[k] = v;
        foreach (var (k, v) in line.Notes) metrics[k] = v;
        return metrics;
    }

    /// <summary>Method name of the real-data row.</summary>
    public const string RealDataMethod = "real-data";

    /// <summary>
    /// <c>evaluation.real_data_row</c>: the first <paramref name="count"/> images of the training data scored like samples
    /// against the same reference (NFE 0, no timing), written to <c>metrics.jsonl</c>; null without an image evaluator.
    /// </summary>
    public static ResultRow? RealDataRow(TrainingSession s, RunFolder? run, int count)
    {
        if (s.Data is not ImageSet set || (s.ImageEvaluator is null && s.ModeCount is null)) return null;
        Dictionary<string, object> metrics;
        long n = Math.Min(count, set.Count);
        if (s.ImageEvaluator?.ScoreRealData(count, Seeds.Derive(s.Options.Seed, KidStream)) is { } scored)
        {
            metrics = scored.ToMetrics();
            n = scored.PrecisionRecall.GeneratedCount;
        }
        else metrics = new Dictionary<string, object> { [MetricKeys.FeatureExtractor] = "none", [MetricKeys.NumSamples] = n };
        if (s.ModeCount is { } counter)
        {
            using var scope = NewDisposeScope();
            AddModeCount(metrics, counter, set.Pixels.narrow(0, 0, n).to_type(float32) / 127.5 - 1.0);   // model space [−1, 1]
        }
        string label = $"first {n} training images";
        if (run is not null)
        {
            run.Log.Information("{Method} {Label}: {Metrics}", RealDataMethod, label, string.Join(", ", metrics.Select(p => $"{p.Key}={p.Value}")));
            run.WriteMetrics(new Dictionary<string, object>(metrics)
            {
                [MetricKeys.Eval] = label, [MetricKeys.Method] = RealDataMethod, [MetricKeys.Nfe] = 0, [MetricKeys.Step] = s.Step,
            });
        }
        return new ResultRow(RealDataMethod, label, 0, 0, metrics);
    }

    /// <summary>Draws, times, scores and stores the samples of one request.</summary>
    public static ResultRow Evaluate(TrainingSession s, RunFolder? run, string method, SamplingOptions spec)
    {
        foreach (var net in s.Parameterization.Networks.Values) net.eval();
        using var ema = s.UseEmaWeights();
        long sampleSeed = Seeds.Derive(s.Options.Seed, Seeds.Sample);
        using var labels = TargetLabels(spec, s.Data.NumClasses);
        SampleRequest Request(Generator g) => new()
        {
            NumSamples = spec.NumSamples, Generator = g, Steps = spec.Steps.Length > 0 ? spec.Steps : null,
            Sampler = spec.SamplerKind, Variance = spec.ReverseVariance, Eta = spec.Eta, ClipDenoised = spec.ClipDenoised, BatchSize = spec.BatchSize,
            GuidanceScale = spec.GuidanceScale, Labels = labels, Cancel = s.Cancel,
        };
        var progress = s.NewProgress();
        using var stopProgress = new Stopper(progress);                      // restores the terminal however sampling ends
        string what = $"{method} {spec.DisplayLabel}";
        // The display learns the number of reverse steps (batches × chain) from the sampler's first report.
        SampleRequest Tracked(Generator g, string label)
        {
            bool started = false;
            return Request(g) with
            {
                Progress = (done, total) =>
                {
                    if (!started) { progress.Start(label, total, done); started = true; }
                    else progress.Advance(done);
                    if (done == total) progress.Stop();
                },
            };
        }
        int nfe;
        using (var g0 = new Generator((ulong)sampleSeed, s.Device)) nfe = s.Parameterization.NumFunctionEvaluations(Request(g0));

        // Warm-up on a small draw (allocator, kernels), then the scored draw is timed; extra repeats are timed
        // on fresh generators with the same seed, and the median is reported.
        if (spec.Warmup)
        {
            using var gw = new Generator((ulong)sampleSeed, s.Device);
            using var warm = s.Parameterization.Sample(Tracked(gw, what + " (warm-up)") with { NumSamples = Math.Min(spec.NumSamples, 256) });
        }
        Tensor samples;
        var times = new List<double>();
        // The scored draw keeps its finished chunks in the run folder: stopped (a session's end), it continues bit-identically.
        var partial = run is null ? null : new PartialSamplesFile(run.Samples, Slug(spec.DisplayLabel), spec, sampleSeed, s.Step, run.Log);
        using (var g = new Generator((ulong)sampleSeed, s.Device))
        {
            var sw = Stopwatch.StartNew();
            samples = s.Parameterization.Sample(Tracked(g, what) with { Chunks = partial });
            times.Add(sw.Elapsed.TotalMilliseconds + (partial?.ElapsedBeforeResume ?? 0));
        }
        for (int r = 1; r < spec.TimingRepeats; r++)
        {
            using var g = new Generator((ulong)sampleSeed, s.Device);
            var sw = Stopwatch.StartNew();
            using var again = s.Parameterization.Sample(Tracked(g, $"{what} (timing {r + 1}/{spec.TimingRepeats})"));
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        double msPer1000 = times[times.Count / 2] / spec.NumSamples * 1000;

        using (samples)
        using (var cpuSamples = samples.cpu())
        using (var dataSpace = s.Data.ToDataSpace(cpuSamples))
        {
            var metrics = SampleMetrics(s, dataSpace, spec, cpuSamples, labels);
            // The process's peak resident memory so far (training and this sampling call included; NaN off Linux).
            double peak = PeakMemory.Read().PeakResidentMiB;
            if (double.IsFinite(peak)) metrics[MetricKeys.PeakRssMiB] = Math.Round(peak, 1);
            if (s.Parameterization is IReportsDiagnostics diag)
            {
                using var g = new Generator((ulong)Seeds.Derive(s.Options.Seed, 23));
                var heldOut = s.HeldOutData();
                foreach (var (k, v) in diag.Diagnostics(heldOut ?? s.Data, g)) metrics[k] = v;
                if (heldOut is not null) metrics[MetricKeys.DiagnosticsData] = "test split";
            }
            if (run is not null)
            {
                var stem = Path.Combine(run.Samples, Slug(spec.DisplayLabel));
                // Atomic: an eval beside another one (or beside the training's own evaluation) never leaves a torn file.
                AtomicFile.Write(stem + ".safetensors", stream => SafeTensors.Write(stream, [new("samples", dataSpace)],
                    new Dictionary<string, string> { ["label"] = spec.DisplayLabel, ["nfe"] = nfe.ToString() }));
                EncodedImage? picture = null;
                if (s.Options.Evaluation.Plot && s.Data is PointSet2D ps)
                    picture = EncodedImage.FromPng(File.ReadAllBytes(ScatterPlot.Write(stem + ".png", dataSpace, ps, $"{method} — {spec.DisplayLabel} (NFE {nfe})")));
                else if (IsImageData(s.Data))
                {
                    // Labels that cycle through the classes: one column per class, so each column shows one requested class.
                    var (perRow, max) = spec.Labels == "cycle" && s.Data.NumClasses is > 1 and <= 16
                        ? (s.Data.NumClasses, s.Data.NumClasses * 8)
                        : (ImageGrid.DefaultPerRow, ImageGrid.DefaultMaxImages);
                    picture = s.Options.Evaluation.Plot ? ImageGrid.Write(stem + ".png", dataSpace, max, perRow) : ImageGrid.Encode(dataSpace, max, perRow);
                }
                partial?.Delete();
                if (picture is not null) run.WriteImage(Slug(spec.DisplayLabel), s.Step, picture);
                run.Log.Information("{Method} {Label}: NFE {Nfe}, {Ms:F1} ms/1000 samples, {Metrics}", method, spec.DisplayLabel, nfe, msPer1000,
                    string.Join(", ", metrics.Select(p => $"{p.Key}={p.Value}")));
                if (NonFiniteKeys(metrics, msPer1000) is { Count: > 0 } nonFinite)
                    run.Log.Warning("{Method} {Label}: diverged: {Keys} not finite (NaN/inf samples?); recorded as null under non_finite in metrics.jsonl",
                        method, spec.DisplayLabel, string.Join(", ", nonFinite));
                run.WriteMetrics(new Dictionary<string, object>(metrics)
                {
                    [MetricKeys.Eval] = spec.DisplayLabel, [MetricKeys.Method] = method, [MetricKeys.Nfe] = nfe,
                    [MetricKeys.MsPer1000] = Math.Round(msPer1000, 3), [MetricKeys.Step] = s.Step,
                });
            }
            return new ResultRow(method, spec.DisplayLabel, nfe, msPer1000, metrics);
        }
    }

    /// <summary>
    /// Everything measured from one request's samples alone: <see cref="Score"/>, and for requested labels the share that
    /// lands in its requested mode (2-D) or class (images, by the judge).
    /// </summary>
    private static Dictionary<string, object> SampleMetrics(TrainingSession s, Tensor dataSpace, SamplingOptions spec, Tensor? modelSpace, Tensor? labels)
    {
        var metrics = Score(s, dataSpace, spec, modelSpace, labels);
        if (labels is not null && s.Data is PointSet2D { Modes: { } modes })
            metrics[MetricKeys.GuidedAccuracyPct] = Math.Round(100 * GuidedAccuracy2D.Compute(dataSpace, labels, modes), 3);
        // Images: judged by the evaluation extractor's own classifier head, which was trained apart from any guiding
        // classifier (ADM's check that guidance yields the requested class, not that it fools its own guide).
        if (labels is not null && IsImageData(s.Data) && s.ImageEvaluator is { Extractor: { NumClasses: > 0 } judge })
        {
            using var requested = labels.cpu();
            using var x = modelSpace?.alias() ?? ToModelSpace(dataSpace);
            metrics[MetricKeys.GuidedAccuracyPct] = Math.Round(100 * GuidedAccuracy.Compute(judge, x, requested), 3);
        }
        return metrics;
    }

    /// <summary>
    /// <c>research eval --rescore</c>: scores the stored samples of every request of the run (<c>samples/&lt;request&gt;.safetensors</c>)
    /// again with this build's metrics — a metric added after a long draw, or a changed setting such as
    /// <c>evaluation.recognisable_threshold</c> — without drawing. Each request's new line in <c>metrics.jsonl</c> keeps what
    /// the draw measured (NFE, time, peak memory, the family's diagnostics), replaces what the samples give, and is marked
    /// <c>rescored_utc</c>; tables read the newest line. Every request is checked before anything is written:
    /// <see cref="FileNotFoundException"/> for a missing samples file, <see cref="InvalidDataException"/> for one with no
    /// evaluation line of this method at the checkpoint's step. A file whose sample count differs from its line's is
    /// refused (<see cref="InvalidDataException"/>) when its request is reached, after any earlier request's new line.
    /// <para>
    /// With <paramref name="first"/>, only the first <paramref name="first"/> stored samples of each request are scored, so
    /// that rows drawn at different n compare at the same n (the samples of a request are independent draws, so its first
    /// n are a random subset of n). The line is then a new request, <c>&lt;label&gt;, first &lt;n&gt;</c> (<see cref="FirstLabel"/>),
    /// beside the full draw's, and the real-data row is scored at the same n. A request whose line counted fewer samples
    /// is refused before anything is written (<see cref="InvalidDataException"/>).
    /// </para>
    /// </summary>
    public static IReadOnlyList<ResultRow> RescoreAll(TrainingSession s, RunFolder run, string method, int? first = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(run);
        if (first is <= 0) throw new ArgumentOutOfRangeException(nameof(first), first, "the number of stored samples to score must be positive");
        var lines = RunResultsReader.Read(run.Path);
        var plan = new List<(SamplingOptions Spec, string File, RunResult Line)>();
        foreach (var spec in s.Options.Sampling)
        {
            string label = spec.DisplayLabel, file = Path.Combine(run.Samples, Slug(label) + ".safetensors");
            if (!File.Exists(file))
                throw new FileNotFoundException($"{file}: no stored samples of request '{label}' to rescore (draw them: research eval {run.Path})", file);
            var line = lines.LastOrDefault(r => r.Method == method && r.Eval == label && r.Step == s.Step)
                ?? throw new InvalidDataException($"{Path.Combine(run.Path, "metrics.jsonl")}: no evaluation line of method '{method}', request '{label}' " +
                                                  $"at step {s.Step} (the checkpoint's) to go with {file}");
            if (first is { } f && line.Metric(MetricKeys.NumSamples) is { } counted && f > counted)
                throw new InvalidDataException($"{file}: request '{label}' stored {counted} samples; cannot score the first {f}");
            plan.Add((spec, file, line));
        }
        var rows = new List<ResultRow>();
        foreach (var (spec, file, line) in plan)
        {
            using var scope = NewDisposeScope();
            var (tensors, _) = SafeTensors.Read(file);
            var dataSpace = tensors.TryGetValue("samples", out var stored)
                ? stored.to_type(float32)
                : throw new InvalidDataException($"{file}: no tensor 'samples'");
            if (line.Metric(MetricKeys.NumSamples) is { } n && n != dataSpace.shape[0])
                throw new InvalidDataException($"{file}: {dataSpace.shape[0]} samples, but its evaluation line in metrics.jsonl counted {n}");
            if (first is { } f && f > dataSpace.shape[0])
                throw new InvalidDataException($"{file}: {dataSpace.shape[0]} samples; cannot score the first {f}");
            var labels = TargetLabels(spec, s.Data.NumClasses);
            if (first is { } count)
            {
                dataSpace = dataSpace.narrow(0, 0, count);
                labels = labels?.narrow(0, 0, count);
            }
            string eval = first is { } m ? FirstLabel(spec.DisplayLabel, m) : spec.DisplayLabel;
            var metrics = Recorded(line);
            foreach (var (k, v) in SampleMetrics(s, dataSpace, spec, null, labels)) metrics[k] = v;
            metrics[MetricKeys.Rescored] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            int nfe = line.Nfe ?? 0;
            double msPer1000 = line.MsPer1000 ?? 0;
            run.Log.Information("{Method} {Label}: rescored samples/{File}.safetensors: {Metrics}", method, eval, Slug(spec.DisplayLabel),
                string.Join(", ", metrics.Select(p => $"{p.Key}={p.Value}")));
            var written = new Dictionary<string, object>(metrics)
            {
                [MetricKeys.Eval] = eval, [MetricKeys.Method] = method, [MetricKeys.Nfe] = nfe, [MetricKeys.Step] = s.Step,
            };
            if (line.MsPer1000 is { } ms) written[MetricKeys.MsPer1000] = ms;
            run.WriteMetrics(written);
            rows.Add(new ResultRow(method, eval, nfe, msPer1000, metrics));
        }
        if (s.Options.Evaluation.RealDataRow && s.Options.Sampling.Count > 0
            && RealDataRow(s, run, first ?? s.Options.Sampling[0].NumSamples) is { } real)
            rows.Add(real);
        return rows;
    }

    /// <summary>The request label of a rescoring of the first <paramref name="n"/> samples of request <paramref name="label"/>.</summary>
    public static string FirstLabel(string label, int n) => $"{label}, first {n}";

    /// <summary>The keys of <paramref name="metrics"/> (and <c>ms_per_1000</c>) whose values are NaN or ±Inf.</summary>
    public static IReadOnlyList<string> NonFiniteKeys(IReadOnlyDictionary<string, object> metrics, double msPer1000 = 0)
    {
        var keys = metrics.Where(p => MetricsFile.IsNonFinite(p.Value)).Select(p => p.Key).ToList();
        if (!double.IsFinite(msPer1000)) keys.Add(MetricKeys.MsPer1000);
        return keys;
    }

    /// <summary>
    /// Metrics of one request's samples: the 2-D suite for point sets (from <paramref name="dataSpace"/>), and FID,
    /// KID, precision/recall (k = evaluation.precision_recall_k), the judge's recognisable % and class KL (and, with the
    /// requested <paramref name="labels"/>, intra-class diversity) and optionally IS in feature space for images (from the model-space
    /// <paramref name="modelSpace"/>, docs/methods.md §7). Image data without <c>evaluation.features</c> get no metrics
    /// (the runner warned once); their rows say <c>feature_extractor = none</c>.
    /// </summary>
    public static Dictionary<string, object> Score(TrainingSession s, Tensor dataSpace, SamplingOptions spec, Tensor? modelSpace = null, Tensor? labels = null)
    {
        var metrics = new Dictionary<string, object>();
        if (IsImageData(s.Data))
        {
            using var x = modelSpace?.alias() ?? ToModelSpace(dataSpace);
            if (s.ModeCount is { } counter) AddModeCount(metrics, counter, x);
            if (s.ImageEvaluator is not { } images)
            {
                metrics[MetricKeys.FeatureExtractor] = "none";
                return metrics;
            }
            using var requested = labels?.cpu();
            images.Progress = FeatureProgress(s, spec.DisplayLabel);
            try
            {
                foreach (var (k, v) in images.Score(x, Seeds.Derive(s.Options.Seed, KidStream), requested).ToMetrics()) metrics[k] = v;
            }
            finally
            {
                images.Progress = null;
            }
            return metrics;
        }
        if (s.Data is not PointSet2D ps) return metrics;
        var e = s.Options.Evaluation;
        var options = new TwoDEvaluationOptions
        {
            MmdNumPoints = e.MmdPoints,
            ModeCoverage = new ModeCoverageOptions { MinFractionOfExpected = e.ModeThresholdFraction },
        };
        var m = TwoDEvaluator.Evaluate(dataSpace, ps, options, Seeds.Derive(s.Options.Seed, 17));
        if (m.ModeCoverage is { } mc)
        {
            metrics[MetricKeys.ModesCovered] = mc.ModesCovered;
            metrics[MetricKeys.NumModes] = mc.NumModes;
            metrics[MetricKeys.HighQualityPct] = Math.Round(100 * mc.HighQualityFraction, 3);
            metrics[MetricKeys.ModeFootnote] = mc.Describe();
        }
        if (m.ModeShape is { } shape)
        {
            metrics[MetricKeys.ModeKl] = shape.ReverseKl;
            metrics[MetricKeys.CovError] = shape.CovarianceError;
            metrics[MetricKeys.CovErrorMax] = shape.CovarianceErrorMax;
        }
        if (double.IsFinite(m.GaussianMmd2)) metrics[MetricKeys.GaussMmd2] = m.GaussianMmd2;
        if (double.IsFinite(m.SlicedWasserstein1)) metrics[MetricKeys.SlicedW1] = m.SlicedWasserstein1;
        metrics[MetricKeys.Frechet2D] = m.FrechetDistance;
        metrics[MetricKeys.Mmd2] = m.Mmd2;
        metrics[MetricKeys.NumSamples] = m.SampleCount;
        return metrics;
    }

    /// <summary>
    /// StackedMNIST: the modes the classifier reads from <paramref name="modelSpace"/> <c>[N, 3, H, W]</c> (modes covered of
    /// 1000, reverse KL from uniform), with τ the share of samples recognisable on all three channels and the modes they
    /// cover, and which classifier it was.
    /// </summary>
    private static void AddModeCount(Dictionary<string, object> metrics, StackedModeCount counter, Tensor modelSpace)
    {
        var result = counter.Count(modelSpace);
        metrics[MetricKeys.ModesCovered] = result.ModesCovered;
        metrics[MetricKeys.NumModes] = result.NumModes;
        metrics[MetricKeys.ModeKl] = Math.Round(result.ReverseKl, 6);
        if (result.RecognisablePct is { } recognisable)
        {
            metrics[MetricKeys.StackedRecognisablePct] = Math.Round(recognisable, 3);
            metrics[MetricKeys.RecognisableModesCovered] = result.RecognisableModesCovered!.Value;
            metrics[MetricKeys.RecognisableThreshold] = result.RecognisableThreshold!.Value;
        }
        metrics[MetricKeys.ModeClassifierHash] = counter.Classifier.IdentityHash[..16];
        if (counter.Classifier is CnnFeatureExtractor { TestAccuracy: { } accuracy }) metrics[MetricKeys.ModeClassifierAccuracy] = accuracy;
        metrics[MetricKeys.NumSamples] = modelSpace.shape[0];
    }

    // Seed stream of the KID subsets (17 drives the 2-D MMD subsampling, 23 the diagnostics).
    private const int KidStream = 19;

    // Image data space is [0, 1] (ImageSet.ToDataSpace); model space [−1, 1].
    private static Tensor ToModelSpace(Tensor dataSpace)
    {
        using var doubled = dataSpace * 2.0;
        return doubled - 1.0;
    }

    /// <summary>True for image data (<c>[C, H, W]</c> samples), whose samples are scored in feature space and drawn as a grid.</summary>
    public static bool IsImageData(IDataSource data) => data is not PointSet2D && data.SampleShape.Length == 3;

    /// <summary>The request's target labels <c>[N]</c> (int64, CPU), or null.</summary>
    public static Tensor? TargetLabels(SamplingOptions spec, int numClasses)
    {
        if (spec.Labels.Length == 0) return null;
        if (numClasses == 0) throw new ArgumentException($"sampling '{spec.DisplayLabel}': labels need labelled data");
        if (spec.Labels == "cycle") return arange(spec.NumSamples, dtype: int64).remainder(numClasses);
        int c = int.Parse(spec.Labels);
        if (c >= numClasses) throw new ArgumentException($"sampling '{spec.DisplayLabel}': class {c} ≥ number of classes {numClasses}");
        return full([spec.NumSamples], c, dtype: int64);
    }

    /// <summary>A file-name-safe form of a label.</summary>
    public static string Slug(string label) =>
        new string(label.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray()).Trim('-');

    // Feature extraction on the session's display: one task per phase (reference, samples); Ctrl-C stops between batches.
    private static Action<string, long, long> FeatureProgress(TrainingSession s, string label)
    {
        var progress = s.NewProgress();
        string current = "";
        return (what, done, total) =>
        {
            if (what != current || done == 0)
            {
                progress.Start($"{label}: {what}", total, done);
                current = what;
            }
            else progress.Advance(done);
            if (done >= total || s.Cancel.IsCancellationRequested) progress.Stop();
            s.Cancel.ThrowIfCancellationRequested();
        };
    }

    private sealed class Stopper(IProgressSink progress) : IDisposable
    {
        public void Dispose() => progress.Stop();
    }
}
