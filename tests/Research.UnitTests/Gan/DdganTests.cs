using Research.UnitTests.Contracts;
using Research.Core.Backbones;
using Research.Core.Parameterizations;
using Research.Parameterizations.Ddgan;
using TorchSharp;

namespace Research.UnitTests.Gan;

/// <summary>DDGAN (arXiv 2112.07804) and its Table 2 ablations, each an option value of the one family.</summary>
[NonParallelizable]
public sealed class DdganTests
{
    private static IEnumerable<TestCaseData> Variants()
    {
        yield return new TestCaseData((object)new[] { "lazy_reg=1" }).SetName("Ddgan x0 with z, R1 every step");
        yield return new TestCaseData((object)new[] { "use_latent=false" }).SetName("Ddgan no z");
        yield return new TestCaseData((object)new[] { "generator_output=x_prev" }).SetName("Ddgan direct x_prev");
        yield return new TestCaseData((object)new[] { "generator_output=eps" }).SetName("Ddgan eps output");
        yield return new TestCaseData((object)new[] { "mode=augmentation", "lazy_reg=1" }).SetName("Ddgan one-shot with augmentation");
        yield return new TestCaseData((object)new[] { "tanh_output=false" }).SetName("Ddgan linear generator output");
    }

    [Test]
    public void BackboneRoles_DiscriminatorOverride_OnlyTheDiscriminatorChangesAndTheResolvedJsonKeepsIt()
    {
        var run = TestExperiments.Tiny("ddgan", sets: ["backbone.roles={\"discriminator\": {\"hidden_dim\": 24, \"input_fourier_bands\": 3}}"]);
        using var s = TestExperiments.Session(run);
        long Width(string network) => s.Parameterization.Networks[network].named_parameters().First(p => p.name == "input.weight").parameter.shape[0];
        long InFeatures(string network) => s.Parameterization.Networks[network].named_parameters().First(p => p.name == "input.weight").parameter.shape[1];
        Assert.That(Width("discriminator"), Is.EqualTo(24));
        Assert.That(Width("generator"), Is.EqualTo(32), "the generator keeps the shared options");
        Assert.That(InFeatures("discriminator"), Is.EqualTo(4 * (1 + 2 * 3)), "pair input with 3 Fourier octaves");
        Assert.That(InFeatures("generator"), Is.EqualTo(2));
        // The resolved configuration (what resume and run.json use) binds back to the same networks.
        var path = Path.Combine(Directory.CreateTempSubdirectory("roles-").FullName, "resolved.json");
        File.WriteAllText(path, run.ResolvedJson);
        var again = Research.Core.Configuration.ExperimentLoader.Load(path, [], TestExperiments.Registry).Runs.Single();
        Assert.That(again.ResolvedJson, Is.EqualTo(run.ResolvedJson));
        Directory.Delete(Path.GetDirectoryName(path)!, true);
    }

    [TestCaseSource(nameof(Variants))]
    public void LossTerms_Variant_DiscriminatorFirstAndGradientsReachOnlyTheNamedNetwork(string[] options)
    {
        using var s = GanTestKit.Session("ddgan", options);
        var terms = GanTestKit.Terms(s);
        Assert.That(terms.Select(t => t.Network), Is.EqualTo(new[] { "discriminator", "generator" }));
        foreach (var t in terms)
        {
            Assert.That(float.IsFinite(t.Loss), Is.True, $"{t.Name} = {t.Loss}");
            Assert.That(t.WithGrad, Is.EquivalentTo(new[] { t.Network }), $"{t.Name}: networks with gradients");
        }
        Assert.That(terms[0].Parts, Is.SupersetOf(new[] { "d_real", "d_fake", "r1" }));
    }

    [TestCaseSource(nameof(Variants))]
    public void Sample_Variant_ShapeAndNfe(string[] options)
    {
        using var s = GanTestKit.Session("ddgan", options);
        using var x = GanTestKit.Sample(s, 6);
        Assert.That(x.shape, Is.EqualTo(new long[] { 6, 2 }));
        using var g = new torch.Generator(1);
        bool oneShot = options.Contains("mode=augmentation");
        Assert.That(s.Parameterization.NumFunctionEvaluations(new SampleRequest { NumSamples = 1, Generator = g }), Is.EqualTo(oneShot ? 1 : 4));
    }

    [Test]
    public void LossTerms_LazyReg_PenaltyOnlyOnDueSteps()
    {
        using var s = GanTestKit.Session("ddgan", "r1_gamma=1", "lazy_reg=3");
        Assert.That(GanTestKit.Terms(s, step: 3)[0].Parts, Does.Contain("r1"));
        Assert.That(GanTestKit.Terms(s, step: 4)[0].Parts, Does.Not.Contain("r1"));
    }

    [Test]
    public void Networks_ChainMode_PairDiscriminatorAndLatentGenerator()
    {
        using var s = GanTestKit.Session("ddgan", "nz=5");
        var d = (Backbone)s.Parameterization.Networks["discriminator"];
        var g = (Backbone)s.Parameterization.Networks["generator"];
        Assert.That(d.Request.InChannels, Is.EqualTo(4), "D(x_{t−1}, x_t, t) stacks the pair");
        Assert.That(d.Request.Output, Is.EqualTo(BackboneOutput.Pooled));
        Assert.That(g.Request.LatentDim, Is.EqualTo(5));
        Assert.That(g.Request.TanhOutput, Is.True);
        Assert.That(s.Family.EmaNetworks, Is.EqualTo(new[] { "generator" }));
    }

    [Test]
    public void Sample_X0OutputAtT1_ReturnsTheTanhBoundedX0Exactly()
    {
        // At T = 1 the chain is one step and the last step returns x̂₀ itself, so nothing can leave tanh's [−1, 1];
        // adding the posterior noise or c2·x_t at the last step would.
        using var s = TestExperimentsWith("ddgan", "schedule.num_timesteps=1");
        using var x = GanTestKit.Sample(s, 2000);
        Assert.That(x.abs().max().item<float>(), Is.LessThanOrEqualTo(1f));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("4")]
    public void NumFunctionEvaluations_TrainedStepsOrNone_IsT(string? steps)
    {
        using var s = GanTestKit.Session("ddgan");
        using var g = new torch.Generator(3);
        Assert.That(s.Parameterization.NumFunctionEvaluations(new SampleRequest { NumSamples = 1, Generator = g, Steps = steps }), Is.EqualTo(4));
    }

    [TestCase("2")]
    [TestCase("ddim4")]
    public void Sample_OtherStepCount_ThrowsNamingTheTrainedT(string steps)
    {
        using var s = GanTestKit.Session("ddgan");
        var e = Assert.Throws<ArgumentException>(() => GanTestKit.Sample(s, 1, steps));
        Assert.That(e!.Message, Does.Contain("exactly the 4 step"));
    }

    [Test]
    public void Validate_AugmentationWithEpsOrWithoutZ_ReportsBothKeys()
    {
        var problems = new DdganOptions { Mode = "augmentation", GeneratorOutput = "eps", UseLatent = false }.Validate().ToList();
        Assert.That(problems, Has.Some.StartsWith("generator_output:"));
        Assert.That(problems, Has.Some.StartsWith("use_latent:"));
        Assert.That(new DdganOptions { GeneratorOutput = "x1" }.Validate(), Has.Some.StartsWith("generator_output:"));
        Assert.That(new DdganOptions().Validate(), Is.Empty);
    }

    private static Research.Training.Loop.TrainingSession TestExperimentsWith(string family, params string[] sets) =>
        Contracts.TestExperiments.Session(Contracts.TestExperiments.Tiny(family, sets: sets));
}
