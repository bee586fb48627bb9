using Research.Cli;
using Research.Core.Configuration;
using System.Text.Json.Nodes;
using Research.Data.Images;
using Research.Data.TwoD;

namespace Research.IntegrationTests;

/// <summary>
/// Issue 19.4: a configuration that validates must also run. Every shipped experiment (each variant and each distinct sweep
/// point), every bench-suite file and every preset under configs/ is validated and then run for one training step and a tiny
/// evaluation of each of its sampling requests — same family, sampler, steps, η, guidance and labels, only fewer samples —
/// through the same <c>--set</c> layering a user has. A failure after a passing <c>validate</c> is a failure of this test.
/// </summary>
[NonParallelizable]
public class ShippedExperimentRunTests
{
    private string _dir = "";
    private string _dataRoot = "";
    private string? _ddpmCheckpoint;

    // Overrides a user would need anyway (README): mnist-guided guides a finished DDPM run, whose checkpoint the test makes.
    private static readonly Dictionary<string, Func<ShippedExperimentRunTests, string[]>> Required = new()
    {
        ["experiments/mnist-guided/experiment.json"] = t => [$"training.init.denoiser.path={t.DdpmCheckpoint()}"],
        ["experiments/fashion-trilemma/guided.json"] = t => [$"training.init.denoiser.path={t.DdpmCheckpoint()}"],
    };

    [OneTimeSetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("shipped-run-").FullName;
        _dataRoot = Path.Combine(_dir, "data");
        WriteMnist(_dataRoot);
    }

    [OneTimeTearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    public static IEnumerable<TestCaseData> Files() =>
        new[] { "experiments", Path.Combine("benchmarks", "suite") }
            .SelectMany(d => Directory.GetFiles(Path.Combine(Cli.RepoRoot, d), "*.json", SearchOption.AllDirectories))
            .Where(p => !ShippedConfigTests.IsStudyPreset(p) && !ShippedConfigTests.IsCollectedRun(p))
            .Select(p => Path.GetRelativePath(Cli.RepoRoot, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(p => new TestCaseData(p).SetArgDisplayNames(p));

    [TestCaseSource(nameof(Files))]
    public void ShippedFile_ValidatesThenRunsOneStepAndATinyEvaluation(string relative)
    {
        var file = Path.Combine(Cli.RepoRoot, relative);
        var required = Required.TryGetValue(relative, out var r) ? r(this) : [];
        Assert.That(RunAll(file, required), Is.Empty);
    }

    [Test]
    public void Presets_ValidateThenRunOneStepWhenExtended()
    {
        var failures = new List<string>();
        foreach (var preset in Directory.GetFiles(Path.Combine(Cli.RepoRoot, "configs"), "*.json").Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(_dir, $"preset-{Path.GetFileNameWithoutExtension(preset)}.json");
            var basePreset = Path.Combine(Cli.RepoRoot, Path.GetFileName(preset) is var name && (name.Contains("mnist") || name.Contains("fashion")) ? "configs/base-mnist.json" : "configs/base-2d.json");
            File.WriteAllText(file, $$"""
                { "extends": ["{{basePreset.Replace('\\', '/')}}", "{{preset.Replace('\\', '/')}}"], "name": "preset-check",
                  "sampling": [ { "label": "trained chain" } ] }
                """);
            failures.AddRange(RunAll(file, []).Select(f => $"{Path.GetFileName(preset)}: {f}"));
        }
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void MnistGuided_WithoutItsDenoiserCheckpoint_FailsValidationNamingTrainDenoiser()
    {
        var (exit, _, err) = Cli.Run("validate", Path.Combine(Cli.RepoRoot, "experiments", "mnist-guided", "experiment.json"));
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("experiment.json: parameterization.options.train_denoiser: train_denoiser is false but training.init has no 'denoiser' entry"));
    }

    // Validates the file, then runs each variant (and each distinct sweep point) tiny; returns one line per failure.
    private List<string> RunAll(string file, string[] required)
    {
        var failures = new List<string>();
        var (exit, _, err) = Cli.Run(["validate", file, "--data-root", _dataRoot, .. Sets(required)]);
        if (exit != 0) return [$"validate exit {exit}: {err}"];
        using var services = Services.Build(file);
        var registry = services.Registry();
        var loaded = ExperimentLoader.Load(file, required, registry);
        var points = new List<(string? Variant, string[] Values)>();
        foreach (var run in loaded.Runs) points.Add((run.Variant, []));
        // Each distinct sweep point (seeds aside): the values it sets, as --set would.
        var plan = SweepLoader.Load(file, required, registry);
        foreach (var p in plan.Points.DistinctBy(p => (p.Variant, string.Join(",", p.Values.Where(v => v.Key != "seed")))))
        {
            var values = p.Values.Where(v => v.Key != "seed").ToList();
            if (values.Count > 0 && values.All(v => !v.Value.StartsWith('#')))
                points.Add((p.Variant, values.Select(v => $"{v.Key}={v.Value}").ToArray()));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (variant, values) in points)
        {
            var options = loaded.Runs.First(r => r.Variant == variant).Options;
            var sets = required.Concat(values).Concat(Tiny(options)).ToArray();
            // Variants that differ only in what the tiny run overrides (steps, seed, sample counts) are one configuration here.
            var tiny = ExperimentLoader.Load(file, sets, registry, variant is null ? null : [variant]).Runs.Single();
            if (!seen.Add(Structure(tiny.ResolvedJson))) continue;
            var runs = Path.Combine(_dir, "runs", Guid.NewGuid().ToString("N"));
            string[] args = ["run", file, "--runs-dir", runs, "--data-root", _dataRoot, .. Sets(sets)];
            if (variant is not null) args = [.. args, "--variant", variant];
            var (code, output, error) = Cli.Run(args);
            if (code != 0) failures.Add($"variant {variant ?? "-"} [{string.Join(" ", values)}]: exit {code}: {error}{Tail(output)}");
            if (Directory.Exists(runs)) Directory.Delete(runs, true);
        }
        return failures;
    }

    // One step, a handful of samples per request; the request's family, sampler, steps, η, guidance and labels stay as shipped.
    private static IEnumerable<string> Tiny(Core.Experiments.ExperimentOptions o)
    {
        yield return "training.steps=1";
        yield return "training.warmup_steps=0";
        yield return $"training.batch_size={Math.Min(o.Training.BatchSize, 8)}";
        yield return "evaluation.num_reference=200";
        yield return "evaluation.mmd_points=10";
        yield return "evaluation.reference_images=8";
        yield return "evaluation.plot=false";
        // Weights files committed under .cache/ are named relative to the repository root, where a user runs the commands;
        // the test runs elsewhere.
        if (o.Evaluation.Features.Path is { Length: > 0 } features && !Path.IsPathRooted(features))
            yield return $"evaluation.features.path={Path.Combine(Cli.RepoRoot, features)}";
        if (o.Evaluation.ModeCount.Classifier is { Length: > 0 } classifier && !Path.IsPathRooted(classifier))
            yield return $"evaluation.mode_count.classifier={Path.Combine(Cli.RepoRoot, classifier)}";
        yield return "threads=1";
        // One request of each kind (sampler, steps, labels, guided or not, η, clipping): a guidance-scale sweep differs only in s.
        var requests = new JsonArray();
        foreach (var s in o.Sampling.DistinctBy(s => (s.Sampler, s.Steps, s.Labels.Length == 0 ? "" : s.Labels == "cycle" ? "cycle" : "index",
                     s.GuidanceScale == 0, s.Eta == 0, s.ClipDenoised)))
            requests.Add(new JsonObject
            {
                ["label"] = s.Label, ["steps"] = s.Steps, ["sampler"] = s.Sampler, ["eta"] = s.Eta, ["clip_denoised"] = s.ClipDenoised,
                ["guidance_scale"] = s.GuidanceScale, ["labels"] = s.Labels,
                // 8: more than k + 1 for precision/recall at the largest k a shipped file uses (5); batches of 4 still split it.
                ["num_samples"] = 8, ["batch_size"] = 4, ["timing_repeats"] = 1, ["warmup"] = false,
            });
        yield return "sampling=" + requests.ToJsonString();
        // ε-families on images: a 100-step chain instead of 1000 keeps the full-chain and respaced requests (their step
        // counts are at most half of it) at a fraction of the cost.
        int longest = o.Sampling.Select(s => StepCount(s.Steps)).DefaultIfEmpty(0).Max();
        if (o.Data.Options is not (GaussianGridOptions or GaussianRingOptions or SwissRollOptions)
            && o.Parameterization.Type is not ("ddgan" or "siddm") && o.Schedule.NumTimesteps > Math.Max(100, 2 * longest))
            yield return $"schedule.num_timesteps={Math.Max(100, 2 * longest)}";
        if (o.Data.Options is SyntheticImagesOptions) yield return "data.options.count=16";
        if (o.Data.Options is GaussianGridOptions or GaussianRingOptions) yield return "data.options.num_per_mode=50";
        if (o.Data.Options is SwissRollOptions) yield return "data.options.num_samples=500";
        // A narrower UNet of the same shape (levels, attention, conditioning): the point is what runs, not how well.
        if (o.Backbone.Type == "unet")
        {
            yield return "backbone.options.model_channels=8";
            yield return "backbone.options.num_groups=4";
            yield return "backbone.options.num_head_channels=8";
        }
        if (o.Parameterization.Type == "classifier-guided") yield return "parameterization.options.accuracy_at=[0.5]";
    }

    // The largest step count a respacing names ("100", "ddim50", "10,15,20"; 0 for the trained chain).
    private static int StepCount(string steps) =>
        steps.Length == 0 ? 0 : steps.Replace("ddim", "").Split(',').Max(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture));

    // The resolved configuration without what names or seeds a run.
    private static string Structure(string resolvedJson)
    {
        var node = JsonNode.Parse(resolvedJson)!.AsObject();
        foreach (var key in new[] { "name", "description", "seed" }) node.Remove(key);
        if (node["data"]?["options"] is JsonObject data) data.Remove("seed");
        return node.ToJsonString();
    }

    private static string[] Sets(IEnumerable<string> sets) => sets.SelectMany(s => new[] { "--set", s }).ToArray();

    private static string Tail(string output) => output.Length > 2000 ? output[^2000..] : output;

    // The checkpoint of a one-step mnist-ddpm run: the ε-model mnist-guided loads.
    private string DdpmCheckpoint()
    {
        if (_ddpmCheckpoint is not null) return _ddpmCheckpoint;
        var runs = Path.Combine(_dir, "ddpm-for-guided");
        var file = Path.Combine(Cli.RepoRoot, "experiments", "mnist-ddpm", "experiment.json");
        var options = ExperimentLoader.Load(file, [], Services.Build().Registry()).Runs.Single().Options;
        var (exit, _, err) = Cli.Run(["train", file, "--runs-dir", runs, "--data-root", _dataRoot, .. Sets(Tiny(options))]);
        Assert.That(exit, Is.EqualTo(0), err);
        _ddpmCheckpoint = Directory.GetFiles(runs, "latest.safetensors", SearchOption.AllDirectories).Single();
        return _ddpmCheckpoint;
    }

    // 28×28 MNIST-format files (train and test split) under mnist/ and fashion-mnist/, so the MNIST and Fashion-MNIST
    // studies run with their own UNet as shipped.
    private static void WriteMnist(string dataRoot)
    {
        foreach (var dataset in new[] { "mnist", "fashion-mnist" }) WriteIdx(Directory.CreateDirectory(Path.Combine(dataRoot, dataset)).FullName);
    }

    private static void WriteIdx(string folder)
    {
        foreach (var (prefix, n) in new[] { ("train", 40), ("t10k", 20) })
        {
            var pixels = new byte[n * 784];
            for (int i = 0; i < n; i++)
                for (int p = 0; p < 784; p++) pixels[i * 784 + p] = (byte)((p / 28 + p % 28 + i) % 10 < 5 ? 230 : 20);
            IdxFile.Write(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"), [n, 28, 28], pixels);
            IdxFile.Write(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"), [n],
                Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray());
        }
    }
}
