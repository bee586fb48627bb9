using Research.Evaluation.Reports;

namespace Research.IntegrationTests.Metrics;

/// <summary>
/// Every column of every table the project draws is filled from real tiny runs: the comparison table of <c>research run</c>
/// (2-D and images, guided and not), the three layouts of <c>research table</c>, and a sweep's <c>results.csv</c> and
/// <c>table.md</c>. A metric written under one name and read under another leaves a column empty, which fails here.
/// </summary>
[NonParallelizable]
public class TableColumnsFilledTests
{
    private string _dir = "";
    private string _twoD = "";      // the experiment folder of the 2-D run (one run folder per family)
    private string _images = "";    // the experiment folder of the image run
    private string _stacked = "";   // the experiment folder of the StackedMNIST run (mode count with τ)

    [OneTimeSetUp]
    public void RunTinyExperiments()
    {
        _dir = Directory.CreateTempSubdirectory("columns-").FullName;
        _twoD = RunExperiment("twod.json", TwoDExperiment(), "runs-2d", TinyTwoD);
        var dataRoot = Path.Combine(_dir, "data");
        TinyMnist.Write(dataRoot, n: 20, testImages: 10);
        var features = TinyMnist.FeatureFile(_dir, 5);
        _images = RunExperiment("images.json", ImageExperiment(features), "runs-images", "--data-root", dataRoot);
        _stacked = RunExperiment("stacked.json", StackedExperiment(features), "runs-stacked", "--data-root", dataRoot);
    }

    [OneTimeTearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private string RunExperiment(string file, string json, string runsDir, params string[] extra)
    {
        var path = Path.Combine(_dir, file);
        File.WriteAllText(path, json);
        var runs = Path.Combine(_dir, runsDir);
        var (exit, output, err) = Cli.Run(["run", path, "--runs-dir", runs, .. extra]);
        Assert.That(exit, Is.EqualTo(0), err + output);
        return Directory.GetDirectories(runs).Single();
    }

    // Every family of the registry on the 25-Gaussian grid, from the shipped presets, made tiny; one guided request.
    private static string TwoDExperiment()
    {
        string Preset(string name) => Path.Combine(Cli.RepoRoot, "configs", name).Replace("\\", "/");
        return $$"""
        {
          "extends": ["{{Preset("base-2d.json")}}", "{{Preset("ddpm-2d.json")}}"],
          "name": "columns-2d", "device": "cpu",
          "data": { "options": { "num_per_mode": 20 } },
          "sampling": [ { "label": "4 steps", "steps": "4", "num_samples": 100 } ],
          "variants": [
            { "name": "ddpm", "set": {} },
            { "name": "ddpm-guided", "set": { "parameterization": { "type": "classifier-guided" },
              "sampling": [ { "label": "4 steps, s=1", "steps": "4", "labels": "cycle", "guidance_scale": 1, "num_samples": 100 } ] } },
            { "name": "ddgan", "extends": ["{{Preset("ddgan-2d.json")}}"], "set": {} },
            { "name": "siddm", "extends": ["{{Preset("siddm-2d.json")}}"], "set": {} }
          ]
        }
        """;
    }

    // Layered over every variant's presets (a variant's "extends" comes after the file's values).
    private static readonly string[] TinyTwoD =
    [
        "--set", "training.steps=4", "--set", "training.batch_size=32", "--set", "training.log_every=2", "--set", "training.checkpoint_every=4",
        "--set", "training.warmup_steps=0", "--set", "backbone.options.hidden_dim=16", "--set", "backbone.options.num_layers=2",
        "--set", "backbone.options.time_embed_dim=16", "--set", "evaluation.mmd_points=50", "--set", "evaluation.plot=false",
    ];

    // The image runs' model: DDPM on a tiny UNet at 8×8, two steps.
    private const string TinyDdpm = """
        "backbone": { "type": "unet", "options": { "image_size": 8, "model_channels": 8, "num_res_blocks": 1, "attention_resolutions": [],
                                                  "channel_mult": [1, 2], "num_heads": 1 } },
        "schedule": { "type": "linear", "num_timesteps": 50 },
        "parameterization": { "type": "ddpm-eps" },
        "training": { "steps": 2, "batch_size": 4, "log_every": 1, "checkpoint_every": 2 }
        """;

    // DDPM and classifier guidance on tiny MNIST with a feature CNN that has a classifier head: FID, KID, precision,
    // recall, IS, the guided accuracy and the judge's metrics (test-split reference, real-data row; 20 guided samples
    // cycling over 10 classes, so each class has the 2 samples its diversity needs).
    private static string ImageExperiment(string features) => $$"""
        {
          "name": "columns-images", "device": "cpu",
          "data": { "type": "mnist", "options": { "image_size": 0 } },
          {{TinyDdpm}},
          "sampling": [ { "label": "ddim 2", "steps": "ddim2", "sampler": "ddim", "num_samples": 10 } ],
          "evaluation": { "features": { "type": "cnn", "path": "{{features.Replace("\\", "/")}}" }, "reference_images": 10, "inception_score": true,
                          "reference_split": "test", "precision_recall_k": 5, "recognisable_threshold": 0.1, "real_data_row": true },
          "variants": [
            { "name": "ddpm", "set": {} },
            { "name": "guided", "set": { "parameterization": { "type": "classifier-guided", "options": { "accuracy_at": [0.5] } },
              "sampling": [ { "label": "s=1", "steps": "ddim2", "sampler": "ddim", "labels": "cycle", "guidance_scale": 1, "num_samples": 20 } ] } }
          ]
        }
        """;

    // StackedMNIST's mode count with a τ just under 1/10, which every sample's largest probability reaches: modes, mode KL
    // and both recognisable (3 ch) columns, for the samples and the real-data row.
    private static string StackedExperiment(string classifier) => $$"""
        {
          "name": "columns-stacked", "device": "cpu",
          "data": { "type": "stacked-mnist", "options": { "image_size": 0, "count": 40, "seed": 3 } },
          {{TinyDdpm}},
          "sampling": [ { "label": "ddim 2", "steps": "ddim2", "sampler": "ddim", "num_samples": 6 } ],
          "evaluation": { "mode_count": { "enabled": true, "classifier": "{{classifier.Replace("\\", "/")}}" }, "recognisable_threshold": 0.0999,
                          "real_data_row": true }
        }
        """;

    private string Folder(string kind) => kind switch { "2-D" => _twoD, "images" => _images, _ => _stacked };

    [TestCase("2-D")]
    [TestCase("images")]
    [TestCase("stacked")]
    public void ComparisonTable_OfResearchRun_EveryColumnFilled(string kind)
    {
        var (header, rows) = Csv.Read(Path.Combine(Folder(kind), "table.csv"));
        AssertEveryColumnFilled(header, rows, $"{kind} comparison table");
        if (kind == "images")   // evaluation.real_data_row: one real-data row per variant, scored like samples
            Assert.That(rows.Where(r => r[0] == "real-data").Select(r => r[header.IndexOf("recognisable %")]).ToList(), Has.Count.EqualTo(2).And.All.Not.Empty);
    }

    [TestCase("trilemma", "2-D")]
    [TestCase("trilemma", "images")]
    [TestCase("trilemma", "both")]
    [TestCase("ablation", "2-D")]
    [TestCase("ablation", "images")]
    [TestCase("ablation", "both")]
    [TestCase("ablation", "stacked")]
    [TestCase("ddgan-table1", "images")]
    public void PaperTable_OfTinyRuns_EveryColumnFilled(string layout, string kind)
    {
        string[] folders = kind switch { "2-D" => [_twoD], "images" => [_images], "stacked" => [_stacked], _ => [_twoD, _images] };
        var md = Path.Combine(_dir, "tables", $"{layout}-{kind}.md");
        var (exit, output, err) = Cli.Run(["table", .. folders, "--layout", layout, "--out", md]);
        Assert.That(exit, Is.EqualTo(0), err + output);
        var (header, rows) = Csv.Read(Path.ChangeExtension(md, ".csv"));
        AssertEveryColumnFilled(header, rows, $"{layout} of {kind} runs");
    }

    [Test]
    public void Ablation_OfEveryKindOfRun_HasEveryMetricItKnowsByName()
    {
        var md = Path.Combine(_dir, "tables", "ablation-known") + ".md";   // (a file this test writes, not a document)
        var (exit, output, err) = Cli.Run("table", _twoD, _images, _stacked, "--layout", "ablation", "--out", md);
        Assert.That(exit, Is.EqualTo(0), err + output);
        var (header, _) = Csv.Read(Path.ChangeExtension(md, ".csv"));
        // A known metric the evaluators write under another name would appear under its raw key instead of its header.
        Assert.That(header, Is.SupersetOf(PaperTables.KnownMetrics.Select(m => m.Header)));
        Assert.That(header, Has.None.AnyOf(PaperTables.KnownMetrics.Select(m => (object)m.Key).ToArray()));
    }

    [Test]
    public void SweepTables_OfATinySweep_EveryColumnFilled()
    {
        var experiment = TinySweep.Write(Directory.CreateDirectory(Path.Combine(_dir, "sweep")).FullName,
            """{ "name": "csweep", "grid": { "schedule.num_timesteps": [25, 50] }, "seeds": [0, 1], "labels": { "schedule.num_timesteps": "T" } }""");
        var runs = Path.Combine(_dir, "sweep-runs");
        var (exit, output, err) = Cli.Run("sweep", experiment, "--runs-dir", runs, "--workers", "2");
        Assert.That(exit, Is.EqualTo(0), err + output);
        var (header, rows) = Csv.Read(Path.Combine(runs, "csweep", "results.csv"));
        AssertEveryColumnFilled(header, rows, "results.csv");
        var md = File.ReadAllLines(Path.Combine(runs, "csweep", "table.md")).Where(l => l.StartsWith('|')).ToList();
        static List<string> Cells(string line) => line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToList();
        AssertEveryColumnFilled(Cells(md[0]), md.Skip(2).Select(Cells).ToList(), "table.md");
    }

    private static void AssertEveryColumnFilled(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, string what)
    {
        Assert.That(rows, Is.Not.Empty, what);
        var empty = header.Where((_, i) => rows.All(r => i >= r.Count || r[i].Length == 0 || r[i] is "n/a" or "NaN" or "nan")).ToList();
        Assert.That(empty, Is.Empty, $"{what}: columns no run filled; header: {string.Join(" | ", header)}");
    }

    /// <summary>RFC 4180 reading, enough for the files the project writes.</summary>
    private static class Csv
    {
        public static (List<string> Header, List<IReadOnlyList<string>> Rows) Read(string path)
        {
            var records = Parse(File.ReadAllText(path));
            return (records[0], records.Skip(1).Select(r => (IReadOnlyList<string>)r).ToList());
        }

        private static List<List<string>> Parse(string text)
        {
            var records = new List<List<string>>();
            var record = new List<string>();
            var field = new System.Text.StringBuilder();
            bool quoted = false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else if (c == '"') quoted = false;
                    else field.Append(c);
                }
                else if (c == '"') quoted = true;
                else if (c == ',') { record.Add(field.ToString()); field.Clear(); }
                else if (c == '\n')
                {
                    record.Add(field.ToString().TrimEnd('\r'));
                    field.Clear();
                    records.Add(record);
                    record = [];
                }
                else field.Append(c);
            }
            if (field.Length > 0 || record.Count > 0) { record.Add(field.ToString()); records.Add(record); }
            return records;
        }
    }
}
