using Research.Core.Configuration;
using Research.Core.Experiments;
using Research.UnitTests.Configuration.Fakes;

namespace Research.UnitTests.Configuration;

/// <summary>Layering (extends, arrays replacing whole, <c>--set</c>), variants and error collection of <see cref="ExperimentLoader"/>.</summary>
public sealed class ExperimentLoaderTests
{
    private static readonly Research.Core.Registry.ComponentRegistry Registry = FakeRegistry.Build();

    private static ExperimentOptions LoadSingle(string file, params string[] set)
    {
        var loaded = ExperimentLoader.Load(ConfigTestFiles.Good(file), set, Registry);
        Assert.That(loaded.Runs, Has.Count.EqualTo(1));
        return loaded.Runs[0].Options;
    }

    [Test]
    public void Load_ShorterArrayOverLongerArrayAcrossExtends_ReplacesWholeArray()
    {
        var options = LoadSingle("layered.json");

        Assert.That(((FakeMlpOptions)options.Backbone.Options!).Widths, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(options.Sampling.Select(s => s.Label), Is.EqualTo(new[] { "x", "y" }));
        Assert.That(options.Sampling[1].Steps, Is.EqualTo(""), "an element of a replaced array must not inherit the old element's keys");
    }

    [Test]
    public void Load_ObjectsAcrossExtends_MergeKeyByKeyInPresetOrder()
    {
        var options = LoadSingle("layered.json");

        Assert.That(((FakeMlpOptions)options.Backbone.Options!).Activation, Is.EqualTo("relu"));
        Assert.That(options.Training.Steps, Is.EqualTo(300), "gan.json comes after base.json");
        Assert.That(options.Training.BatchSize, Is.EqualTo(64));
        Assert.That(options.Training.Optimizer.Lr, Is.EqualTo(0.001));
        Assert.That(options.Training.Optimizers["generator"].Beta1, Is.EqualTo(0.5));
        Assert.That(options.Training.Optimizers["generator"].Beta2, Is.EqualTo(0.999), "default kept");
        Assert.That(options.Seed, Is.EqualTo(1));
        Assert.That(options.Description, Is.EqualTo("shared preset"));
        Assert.That(options.Extends, Is.Empty);
    }

    [Test]
    public void Load_ComponentOptions_BindIntoRegisteredTypesWithDefaults()
    {
        var options = LoadSingle("layered.json");

        var gan = (FakeDdganOptions)options.Parameterization.Options!;
        Assert.That(gan.Nz, Is.EqualTo(8));
        Assert.That(gan.R1Gamma, Is.EqualTo(0.02));
        Assert.That(options.Data.Type, Is.EqualTo("gaussian-grid"));
        Assert.That(options.Data.Options, Is.TypeOf<FakeGridOptions>(), "absent options bind to the registered type's defaults");
    }

    [Test]
    public void Load_SetOverrides_ApplyAfterTheFile()
    {
        var options = LoadSingle("layered.json",
            "training.steps=7", "sampling[0].steps=ddim5", "parameterization.options.r1_gamma=0.5",
            "parameterization.options.beta2_override=0.95", "parameterization.options.lazy_reg=3",
            "parameterization.options.loss=hinge", "backbone.options.widths=[3,4,5]", "description=hello world",
            "training.optimizers={\"discriminator\": {\"lr\": 0.0001}}");

        var gan = (FakeDdganOptions)options.Parameterization.Options!;
        Assert.That(options.Training.Steps, Is.EqualTo(7));
        Assert.That(options.Sampling[0].Steps, Is.EqualTo("ddim5"));
        Assert.That(options.Sampling[0].Label, Is.EqualTo("x"), "an indexed --set edits one element");
        Assert.That(options.Sampling, Has.Count.EqualTo(2));
        Assert.That(gan.R1Gamma, Is.EqualTo(0.5));
        Assert.That(gan.Beta2Override, Is.EqualTo(0.95));
        Assert.That(gan.LazyRegularization, Is.EqualTo(3));
        Assert.That(gan.Loss, Is.EqualTo(FakeGanLoss.Hinge));
        Assert.That(((FakeMlpOptions)options.Backbone.Options!).Widths, Is.EqualTo(new[] { 3, 4, 5 }));
        Assert.That(options.Description, Is.EqualTo("hello world"));
        Assert.That(options.Training.Optimizers.Keys, Is.EquivalentTo(new[] { "generator", "discriminator" }), "an object value merges");
    }

    [Test]
    public void Load_KeySources_NameTheLayerEachFinalKeyCameFrom()
    {
        var run = ExperimentLoader.Load(ConfigTestFiles.Good("layered.json"), ["seed=9"], Registry).Runs[0];

        Assert.That(run.KeySources["training.steps"], Is.EqualTo(ConfigTestFiles.Good("presets/gan.json")));
        Assert.That(run.KeySources["training.optimizer.lr"], Is.EqualTo(ConfigTestFiles.Good("presets/base.json")));
        Assert.That(run.KeySources["sampling[1].label"], Is.EqualTo(ConfigTestFiles.Good("layered.json")));
        Assert.That(run.KeySources["seed"], Is.EqualTo("--set"));
        Assert.That(run.KeySources.ContainsKey("sampling[2].label"), Is.False, "the preset's longer array is gone");
    }

    [TestCase("training.steps=many", "training.steps", "expected an integer, got \"many\"")]
    [TestCase("training.stepz=5", "training.stepz", "did you mean 'steps'?")]
    [TestCase("sampling[0].eta=-1", "sampling[0].eta", "must be between 0 and 10 (got -1)")]
    [TestCase("training.steps", "", "is not key=value")]
    [TestCase("training..steps=1", "training..steps", "not a key path")]
    [TestCase("extends=[\"presets/gan.json\"]", "extends", "not on the command line")]
    public void Load_BadSetOverride_ErrorNamesSet(string set, string path, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(ConfigTestFiles.Good("layered.json"), [set], Registry));

        Assert.That(ex!.Errors, Has.Count.EqualTo(1), ex.Message);
        Assert.That(ex.Errors[0].Source, Is.EqualTo("--set"));
        Assert.That(ex.Errors[0].Path, Is.EqualTo(path));
        Assert.That(ex.Errors[0].Message, Does.Contain(message));
    }

    [Test]
    public void Load_Variants_YieldOneRunPerVariantWithItsSetLayered()
    {
        var loaded = ExperimentLoader.Load(ConfigTestFiles.Good("variants.json"), [], Registry);

        Assert.That(loaded.Runs.Select(r => r.Name), Is.EqualTo(new[] { "study-short", "study-gan" }));
        Assert.That(loaded.Runs.Select(r => r.Variant), Is.EqualTo(new[] { "short", "gan" }));
        var (shortRun, gan) = (loaded.Runs[0].Options, loaded.Runs[1].Options);
        Assert.That(shortRun.Training.Steps, Is.EqualTo(10));
        Assert.That(((FakeDdpmOptions)shortRun.Parameterization.Options!).LossType, Is.EqualTo("l1"));
        Assert.That(shortRun.Sampling, Has.Count.EqualTo(4));
        Assert.That(gan.Training.Steps, Is.EqualTo(200));
        Assert.That(gan.Sampling.Select(s => s.Label), Is.EqualTo(new[] { "one-step" }), "a variant's array replaces whole");
        Assert.That(gan.Training.Optimizers.Keys, Is.EquivalentTo(new[] { "generator", "discriminator" }));
        Assert.That(shortRun.Variants, Is.Empty);
        Assert.That(gan.Variants, Is.Empty);
    }

    [Test]
    public void Load_VariantChangingComponentType_DropsOptionsOfTheOldType()
    {
        // The base sets ddpm-eps options { loss_type }; the gan variant must not inherit them (they'd be unknown keys).
        var gan = ExperimentLoader.Load(ConfigTestFiles.Good("variants.json"), [], Registry).Runs[1].Options;

        var options = (FakeDdganOptions)gan.Parameterization.Options!;
        Assert.That(options.LazyRegularization, Is.EqualTo(5));
        Assert.That(options.Loss, Is.EqualTo(FakeGanLoss.Hinge));
    }

    [Test]
    public void Load_SetOverrideWithVariants_AppliesToEveryVariant()
    {
        var loaded = ExperimentLoader.Load(ConfigTestFiles.Good("variants.json"), ["training.steps=3"], Registry);

        Assert.That(loaded.Runs.Select(r => r.Options.Training.Steps), Is.EqualTo(new long[] { 3, 3 }));
    }

    [Test]
    public void Load_BaseKeyInvalidInOneVariantOnly_ErrorNamesTheBaseFileAndVariant()
    {
        var dir = ConfigTestFiles.Scratch(("exp.json", """
            { "name": "e", "training": { "steps": 100, "warmup_steps": 50 },
              "variants": [ { "name": "long", "set": {} }, { "name": "short", "set": { "training": { "steps": 10 } } } ] }
            """));

        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(Path.Combine(dir, "exp.json"), [], Registry));

        Assert.That(ex!.Errors, Has.Count.EqualTo(1), ex.Message);
        Assert.That(ex.Errors[0], Is.EqualTo(new ConfigError(Path.Combine(dir, "exp.json"), "training.warmup_steps",
            "50 must be below steps (10) (in variant 'short')")));
    }

    [Test]
    public void Load_VariantExtendsAPreset_PresetOverTheFileThenTheVariantsSetThenCommandLine()
    {
        var dir = ConfigTestFiles.Scratch(
            ("presets/base.json", "{ \"seed\": 4 }"),
            ("presets/fast.json", "{ \"extends\": \"base.json\", \"training\": { \"steps\": 7, \"batch_size\": 8 } }"),
            ("exp.json", """
                { "name": "e", "seed": 1, "training": { "steps": 100, "batch_size": 32 },
                  "variants": [ { "name": "plain", "set": {} },
                                { "name": "fast", "extends": ["presets/fast.json"], "set": { "training": { "batch_size": 9 } } } ] }
                """));

        var runs = ExperimentLoader.Load(Path.Combine(dir, "exp.json"), ["training.log_every=1"], Registry).Runs;

        Assert.That(runs[0].Options.Training.Steps, Is.EqualTo(100), "a preset of one variant must not leak into another");
        Assert.That(runs[0].Options.Seed, Is.EqualTo(1));
        Assert.That(runs[1].Options.Training.Steps, Is.EqualTo(7), "the variant's preset overrides the file");
        Assert.That(runs[1].Options.Seed, Is.EqualTo(4), "the preset's own extends chain applies");
        Assert.That(runs[1].Options.Training.BatchSize, Is.EqualTo(9), "the variant's set overrides its preset");
        Assert.That(runs.Select(r => r.Options.Training.LogEvery), Is.All.EqualTo(1), "--set applies last");
    }

    [Test]
    public void Only_NamedVariants_KeepsThemInFileOrderAndRejectsUnknownNames()
    {
        var loaded = ExperimentLoader.Load(ConfigTestFiles.Good("variants.json"), [], Registry);
        var names = loaded.Runs.Select(r => r.Variant!).ToList();

        Assert.That(loaded.Only([names[1]]).Runs.Select(r => r.Variant), Is.EqualTo(new[] { names[1] }));
        Assert.That(loaded.Only([]).Runs, Has.Count.EqualTo(names.Count));
        var ex = Assert.Throws<ConfigException>(() => loaded.Only([names[0] + "x"]));
        Assert.That(ex!.Errors.Single().Path, Is.EqualTo("variants"));
        Assert.That(ex.Errors.Single().Message, Does.Contain($"did you mean '{names[0]}'?"));
    }

    [Test]
    public void Load_OnlyVariants_OverrideOnlyTheChosenFamilyKnowsIsAccepted()
    {
        // trilemma-2d mixes families: a DDGAN option is an unknown key in its DDPM variants.
        var file = Path.Combine(TestPaths.RepoRoot, "experiments", "trilemma-2d", "experiment.json");
        string[] set = ["parameterization.options.discriminator_steps=2"];
        var registry = Research.UnitTests.Contracts.TestExperiments.Registry;

        var all = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(file, set, registry));
        var only = ExperimentLoader.Load(file, set, registry, ["ddgan-t4"]);
        var unknown = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(file, set, registry, ["ddgan-t5"]));

        Assert.That(all!.Errors.Select(e => e.Message), Has.Some.Contains("in variant 'ddpm'"));
        Assert.That(only.Runs.Select(r => r.Variant), Is.EqualTo(new[] { "ddgan-t4" }));
        Assert.That(unknown!.Errors.Single().Message, Does.Contain("did you mean 'ddgan-t4'?"));
        Assert.That(unknown.Errors.Single().Source, Is.EqualTo(Path.GetFullPath(file)));
    }

    [Test]
    public void Load_FileWithThreeProblems_ReportsAllThreeAtOnce()
    {
        var ex = Assert.Throws<ConfigException>(() =>
            ExperimentLoader.Load(Path.Combine(ConfigTestFiles.BadConfigs, "three-problems.json"), [], Registry));

        Assert.That(ex!.Errors.Select(e => e.Path), Is.EquivalentTo(new[] { "seed", "training.stepz", "training.optimizer.lr" }));
    }

    [Test]
    public void Load_ErrorInAPreset_NamesThePresetFile()
    {
        var dir = ConfigTestFiles.Scratch(
            ("presets/p.json", "{ \"training\": { \"batch_size\": \"lots\" } }"),
            ("exp.json", "{ \"extends\": \"presets/p.json\", \"name\": \"e\", \"training\": { \"steps\": 5 } }"));

        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(Path.Combine(dir, "exp.json"), [], Registry));

        Assert.That(ex!.Errors, Has.Count.EqualTo(1), ex.Message);
        Assert.That(ex.Errors[0].Source, Is.EqualTo(Path.Combine(dir, "presets", "p.json")));
        Assert.That(ex.Errors[0].Path, Is.EqualTo("training.batch_size"));
    }

    [Test]
    public void Load_PresetReachedTwice_IsAppliedOnceAtItsFirstPosition()
    {
        var dir = ConfigTestFiles.Scratch(
            ("d.json", "{ \"seed\": 1, \"training\": { \"steps\": 1 } }"),
            ("b.json", "{ \"extends\": \"d.json\", \"seed\": 2 }"),
            ("c.json", "{ \"extends\": \"d.json\", \"training\": { \"steps\": 3 } }"),
            ("a.json", "{ \"extends\": [\"b.json\", \"c.json\"], \"name\": \"a\" }"));

        var options = ExperimentLoader.Load(Path.Combine(dir, "a.json"), [], Registry).Runs[0].Options;

        Assert.That(options.Seed, Is.EqualTo(2), "d.json must not be re-applied after b.json");
        Assert.That(options.Training.Steps, Is.EqualTo(3));
    }

    [Test]
    public void Load_MissingFile_ErrorNamesTheFile()
    {
        var path = Path.Combine(ConfigTestFiles.GoodConfigs, "no-such-experiment.json");

        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(path, [], Registry));

        Assert.That(ex!.Errors.Single(), Is.EqualTo(new ConfigError(path, "", "file not found")));
    }
}
