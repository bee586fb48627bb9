using System.Text.Json;

namespace Research.UnitTests.Metrics;

/// <summary>Writes run folders shaped like the runner's (resolved.json, metrics.jsonl) with made-up evaluation lines.</summary>
internal static class SyntheticRuns
{
    /// <summary>Creates <c>root/name</c> with a resolved.json and the given metrics.jsonl lines (objects serialised as JSON).</summary>
    public static string Create(string root, string name, params object[] lines)
    {
        var dir = Path.Combine(root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "resolved.json"), "{ \"name\": \"" + name + "\" }");
        File.WriteAllLines(Path.Combine(dir, "metrics.jsonl"), lines.Select(l => l as string ?? JsonSerializer.Serialize(l)));
        return dir;
    }

    /// <summary>An image-model evaluation line (numbers invented for tests, not any paper's).</summary>
    public static Dictionary<string, object> Image(string method, string eval, int nfe, double ms, double fid, double isMean, double recall) => new()
    {
        ["eval"] = eval, ["method"] = method, ["nfe"] = nfe, ["ms_per_1000"] = ms, ["step"] = 1000,
        ["fid"] = fid, ["is"] = isMean, ["is_std"] = 0.1, ["recall"] = recall, ["precision"] = 0.6,
        ["feature_extractor"] = "cnn-mnist",
    };

    /// <summary>A 2-D evaluation line as SampleEvaluator writes it.</summary>
    public static Dictionary<string, object> TwoD(string method, string eval, int nfe, double ms, double frechet, int modes) => new()
    {
        ["eval"] = eval, ["method"] = method, ["nfe"] = nfe, ["ms_per_1000"] = ms, ["step"] = 500,
        ["frechet"] = frechet, ["mmd2"] = frechet / 10, ["modes_covered"] = modes, ["num_modes"] = 25,
        ["high_quality_pct"] = 90.0, ["num_samples"] = 2500, ["mode_footnote"] = "σ = 1/3, threshold 10",
    };

    /// <summary>A set of image runs under <c>root/study/</c>: a slow many-step model, a few-step GAN-like model and a one-step GAN.</summary>
    public static string ImageStudy(string root)
    {
        var study = Path.Combine(root, "study");
        Create(study, "ddpm",
            new Dictionary<string, object> { ["step"] = 100, ["loss"] = 0.05 },
            Image("ddpm", "1000 steps", 1000, 52_000, 4.1, 9.1, 0.58),
            Image("ddpm", "ddim 50", 50, 2_600, 6.3, 8.8, 0.55));
        Create(study, "ddgan", Image("ddgan", "T=4", 4, 210, 5.0, 9.0, 0.52));
        Create(study, "gan", Image("gan", "1 step", 1, 55, 11.5, 8.2, 0.31));
        return study;
    }
}
