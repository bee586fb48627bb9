using System.Text.Json.Nodes;
using Research.Core.Configuration;
using Research.Training.Experiments;
using Research.UnitTests.Contracts;

namespace Research.UnitTests.Training;

/// <summary>
/// <see cref="SweepRestore"/>: a committed record stands for a sweep point only when it is complete and of the same
/// configuration; every other record is refused with the reason, and a folder already here is never touched.
/// </summary>
public sealed class SweepRestoreTests
{
    private string _dir = "";
    private SweepPoint _point = null!;
    private SweepPlan _plan = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("restore-").FullName;
        var path = Path.Combine(_dir, "e.json");
        File.WriteAllText(path, """
        {
          "name": "s", "device": "cpu",
          "data": { "type": "gaussian-grid", "options": { "num_per_mode": 20 } },
          "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16 } },
          "schedule": { "type": "linear", "num_timesteps": 50 },
          "parameterization": { "type": "ddpm-eps" },
          "training": { "steps": 20, "batch_size": 16 },
          "sampling": [ { "label": "full", "num_samples": 100 }, { "label": "ddim 10", "steps": "ddim10", "sampler": "ddim", "num_samples": 100 } ],
          "sweep": { "name": "sw", "seeds": [1, 2] }
        }
        """);
        _plan = SweepLoader.Load(path, [], TestExperiments.Registry);
        _point = _plan.Points[0];
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    // A collected record of the first point: run.json with status, resolved.json, and evaluation lines (label, step, n).
    private string Record(string status = "completed", string? resolved = null, params (string Label, long Step, int N)[] evals)
    {
        var folder = Path.Combine(_dir, "committed", "sw", _point.Id);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "run.json"), $$"""{ "name": "{{_point.Id}}", "seed": 1, "status": "{{status}}" }""");
        File.WriteAllText(Path.Combine(folder, "resolved.json"), resolved ?? _point.Run.ResolvedJson);
        File.WriteAllLines(Path.Combine(folder, "metrics.jsonl"), evals.Select(e =>
            $$"""{"mmd2":0.25,"num_samples":{{e.N}},"eval":"{{e.Label}}","method":"{{_point.Id}}","nfe":50,"ms_per_1000":12.5,"step":{{e.Step}}}"""));
        return folder;
    }

    private static readonly (string, long, int)[] Complete = [("full", 20, 100), ("ddim 10", 20, 100)];

    [Test]
    public void Check_CompleteRecord_GivesOneRowPerRequestFromTheFinalStepLines()
    {
        var folder = Record(evals: [("full", 10, 100), .. Complete]);
        Assert.That(SweepRestore.Check(_point, folder, out var result), Is.Null);
        Assert.That(result!.Rows.Select(r => r.Key), Is.EqualTo(new[] { "full", "ddim 10" }));
        Assert.That(result.Rows[0].Value["mmd2"], Is.EqualTo(0.25));
        Assert.That(result.Rows[0].Value["nfe"], Is.EqualTo(50));
    }

    [Test]
    public void Check_RealDataRow_IsThePointsOwnNotALaterRescoreAtFewerSamples()
    {
        var experiment = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "e.json")))!;
        experiment["evaluation"] = new JsonObject { ["real_data_row"] = true };
        var path = Path.Combine(_dir, "real.json");
        File.WriteAllText(path, experiment.ToJsonString());
        _point = SweepLoader.Load(path, [], TestExperiments.Registry).Points[0];
        var folder = Record(evals: Complete);
        Assert.That(SweepRestore.Check(_point, folder, out _), Does.Contain("no real-data line at step 20"));

        // The run's own real-data row at n = 100, then the lines of `research eval --rescore --first 40`, at 40.
        File.AppendAllLines(Path.Combine(folder, "metrics.jsonl"), [
            """{"mmd2":0.01,"num_samples":100,"eval":"first 100 training images","method":"real-data","nfe":0,"step":20}""",
            $$"""{"mmd2":0.3,"num_samples":40,"eval":"full, first 40","method":"{{_point.Id}}","nfe":50,"ms_per_1000":12.5,"step":20}""",
            """{"mmd2":0.05,"num_samples":40,"eval":"first 40 training images","method":"real-data","nfe":0,"step":20}""",
        ]);
        Assert.That(SweepRestore.Check(_point, folder, out var result), Is.Null);
        Assert.That(result!.Rows.Select(r => r.Key), Is.EqualTo(new[] { "full", "ddim 10", "first 100 training images" }));
        Assert.That(result.Rows[2].Value["num_samples"], Is.EqualTo(100));
        Assert.That(result.Rows[2].Value["mmd2"], Is.EqualTo(0.01));
    }

    [Test]
    public void Check_IncompleteOrOtherRecords_AreRefusedWithTheReason()
    {
        Assert.That(SweepRestore.Check(_point, Record("running", evals: Complete), out _), Does.Contain("status is 'running'"));
        Assert.That(SweepRestore.Check(_point, Record(evals: [("full", 20, 100), ("ddim 10", 10, 100)]), out _),
            Does.Contain("no evaluation line for 'ddim 10' at step 20"));
        Assert.That(SweepRestore.Check(_point, Record(evals: [("full", 20, 100), ("ddim 10", 20, 50)]), out _),
            Does.Contain("evaluated on 50 samples, the point asks for 100"));
        var other = JsonNode.Parse(_point.Run.ResolvedJson)!;
        other["training"]!["batch_size"] = 17;
        Assert.That(SweepRestore.Check(_point, Record(resolved: other.ToJsonString(), evals: Complete), out var none),
            Does.Contain("at 'training.batch_size'"));
        Assert.That(none, Is.Null);
    }

    [Test]
    public void Restore_WritesTheFolderWithDoneJson_AndLeavesAPointAlreadyHereAlone()
    {
        Record(evals: Complete);
        var sweep = Path.Combine(_dir, "runs", "sw");
        var lines = new List<string>();
        Assert.That(SweepRestore.Restore(_plan, sweep, Path.Combine(_dir, "committed"), lines.Add), Is.EqualTo(new[] { _point.Id }));
        Assert.That(SweepPointResult.TryRead(Path.Combine(sweep, _point.Id))!.Rows, Has.Count.EqualTo(2));
        Assert.That(Directory.GetDirectories(sweep), Has.Length.EqualTo(1), "no staging folder left, nothing for the uncommitted point");

        File.Delete(Path.Combine(sweep, _point.Id, SweepPointResult.FileName));   // part-trained here: the local folder wins
        Assert.That(SweepRestore.Restore(_plan, sweep, Path.Combine(_dir, "committed"), lines.Add), Is.Empty);
        Assert.That(SweepPointResult.TryRead(Path.Combine(sweep, _point.Id)), Is.Null);
    }

    [Test]
    public void FirstDifference_NamesThePathOfTheFirstDifferingValue()
    {
        var a = JsonNode.Parse("""{ "a": { "b": [1, 2, { "c": "x" }] }, "d": 1.0 }""");
        Assert.That(SweepRestore.FirstDifference(a, JsonNode.Parse("""{ "d": 1.0, "a": { "b": [1, 2, { "c": "x" }] } }"""), ""), Is.Null);
        Assert.That(SweepRestore.FirstDifference(a, JsonNode.Parse("""{ "a": { "b": [1, 2, { "c": "y" }] }, "d": 1.0 }"""), ""), Is.EqualTo("a.b[2].c"));
        Assert.That(SweepRestore.FirstDifference(a, JsonNode.Parse("""{ "a": { "b": [1, 2] }, "d": 1.0 }"""), ""), Is.EqualTo("a.b"));
        Assert.That(SweepRestore.FirstDifference(a, JsonNode.Parse("""{ "a": { "b": [1, 2, { "c": "x" }] } }"""), ""), Is.EqualTo("d"));
    }
}
