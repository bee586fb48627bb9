using Research.Core.Configuration;
using Research.Core.Registry;
using Research.UnitTests.Contracts;

namespace Research.UnitTests.Configuration;

/// <summary>Expansion of an experiment's <c>sweep</c> (grid × zip × seeds × variants) by <see cref="SweepLoader"/>.</summary>
public sealed class SweepLoaderTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("sweep-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private string Write(string sweep, string variants = "[]")
    {
        var path = Path.Combine(_dir, "e.json");
        File.WriteAllText(path, $$"""
        {
          "name": "s", "device": "cpu",
          "data": { "type": "gaussian-grid", "options": { "num_per_mode": 20 } },
          "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16 } },
          "schedule": { "type": "ddgan-vp", "num_timesteps": 4 },
          "parameterization": { "type": "ddpm-eps" },
          "training": { "steps": 20, "batch_size": 16 },
          "variants": {{variants}},
          "sweep": {{sweep}}
        }
        """);
        return path;
    }

    private static SweepPlan Load(string path, params string[] set) => SweepLoader.Load(path, set, TestExperiments.Registry);

    [Test]
    public void Load_GridZipSeedsVariants_ExpandsTheProductWithReadableIds()
    {
        var plan = Load(Write("""
            { "name": "abl", "grid": { "schedule.num_timesteps": [1, 2, 4] },
              "zip": { "training.batch_size": [8, 16] },
              "seeds": [0, 1] }
            """,
            """[ { "name": "a", "set": {} }, { "name": "b", "set": { "training": { "steps": 30 } } } ]"""));

        Assert.That(plan.Points, Has.Count.EqualTo(2 * 3 * 2 * 2));
        Assert.That(plan.Name, Is.EqualTo("abl"));
        Assert.That(plan.SweptKeys, Is.EqualTo(new[] { "schedule.num_timesteps", "training.batch_size" }));
        Assert.That(plan.Points.Select(p => p.Id).Distinct().Count(), Is.EqualTo(plan.Points.Count));
        var p = plan.Points.Single(x => x.Id == "b_num_timesteps=4_batch_size=16_seed=1");
        Assert.That(p.Run.Options.Schedule.NumTimesteps, Is.EqualTo(4));
        Assert.That(p.Run.Options.Training.BatchSize, Is.EqualTo(16));
        Assert.That(p.Run.Options.Training.Steps, Is.EqualTo(30));
        Assert.That(p.Seed, Is.EqualTo(1));
        Assert.That(p.Run.ResolvedJson, Does.Not.Contain("sweep"));
    }

    [Test]
    public void Load_Labels_NameThePointIds()
    {
        var plan = Load(Write("""{ "grid": { "schedule.num_timesteps": [2, 8] }, "labels": { "schedule.num_timesteps": "T" }, "seeds": [2] }"""));
        Assert.That(plan.Points.Select(p => p.Id), Is.EqualTo(new[] { "T=2_seed=2", "T=8_seed=2" }));
        Assert.That(plan.Name, Is.EqualTo("s"));
    }

    [Test]
    public void Load_SweepOverFamilyType_SwitchesTheFamily()
    {
        var plan = Load(Write("""{ "grid": { "parameterization.type": ["ddpm-eps", "classifier-guided"] } }"""));
        Assert.That(plan.Points.Select(p => p.Run.Options.Parameterization.Type), Is.EqualTo(new[] { "ddpm-eps", "classifier-guided" }));
    }

    [Test]
    public void Load_ZipLengthMismatch_IsAnError()
    {
        var e = Assert.Throws<ConfigException>(() => Load(Write("""{ "zip": { "schedule.num_timesteps": [1, 2], "training.batch_size": [8] } }""")))!;
        Assert.That(e.Errors.Select(x => x.Path), Does.Contain("sweep.zip"));
        Assert.That(e.Message, Does.Contain("same number of values"));
    }

    [Test]
    public void Load_UnknownKeyInSweep_ErrorNamesThePoint()
    {
        var e = Assert.Throws<ConfigException>(() => Load(Write("""{ "grid": { "schedule.num_timestepz": [2, 4] }, "seeds": [0] }""")))!;
        Assert.That(e.Errors.Select(x => x.Path), Does.Contain("sweep[schedule.num_timestepz=2,seed=0]: schedule.num_timestepz"));
        Assert.That(e.Errors.Select(x => x.Path), Does.Contain("sweep[schedule.num_timestepz=4,seed=0]: schedule.num_timestepz"));
    }

    [Test]
    public void Load_InvalidValueAtOnePoint_ReportsEveryBadPointAtOnce()
    {
        var e = Assert.Throws<ConfigException>(() => Load(Write("""{ "grid": { "training.steps": [10, -1, 0] } }""")))!;
        Assert.That(e.Errors.Select(x => x.Path), Does.Contain("sweep[training.steps=-1]: training.steps").And.Contain("sweep[training.steps=0]: training.steps"));
        Assert.That(e.Errors.Any(x => x.Path.Contains("training.steps=10")), Is.False);
    }

    [Test]
    public void Load_SetOverride_AppliesToEveryPointButSweptKeysWin()
    {
        var plan = Load(Write("""{ "grid": { "training.batch_size": [8, 16] } }"""), "training.steps=7", "training.batch_size=4");
        Assert.That(plan.Points.Select(p => p.Run.Options.Training.Steps), Is.All.EqualTo(7));
        Assert.That(plan.Points.Select(p => p.Run.Options.Training.BatchSize), Is.EqualTo(new[] { 8, 16 }));
    }

    [Test]
    public void ExperimentLoader_FileWithSweep_LoadsItsBasePoint()
    {
        var loaded = ExperimentLoader.Load(Write("""{ "grid": { "training.batch_size": [8, 16] } }"""), [], TestExperiments.Registry);
        Assert.That(loaded.Runs.Single().Options.Training.BatchSize, Is.EqualTo(16));
    }

    [Test]
    public void Registry_ContractSuite_IncludesTheSamplePlugin() =>
        Assert.That(TestExperiments.Registry.Keys(ComponentKind.Parameterization), Does.Contain("v-prediction"));
}
