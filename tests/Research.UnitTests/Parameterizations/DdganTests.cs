using Research.Core.Backbones;
using Research.Core.Parameterizations;
using Research.Parameterizations.Ddgan;
using Research.UnitTests.Families;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Parameterizations;

/// <summary>DDGAN (arXiv 2112.07804) and its Table 2 ablations, each an option value of the one family.</summary>
[NonParallelizable]
public sealed class DdganTests
{
    private static IEnumerable<TestCaseData> Variants()
    {
        yield return new TestCaseData(new DdganOptions { Nz = 4, LazyReg = 1 }).SetName("x0 with z, R1 every step");
        yield return new TestCaseData(new DdganOptions { Nz = 4, UseLatent = false }).SetName("no z");
        yield return new TestCaseData(new DdganOptions { Nz = 4, GeneratorOutput = "x_prev" }).SetName("direct x_prev");
        yield return new TestCaseData(new DdganOptions { Nz = 4, GeneratorOutput = "eps" }).SetName("eps output");
        yield return new TestCaseData(new DdganOptions { Nz = 4, Mode = "augmentation", LazyReg = 1 }).SetName("one-shot with augmentation");
    }

    private static DdganParameterization Build(DdganOptions o, out IDisposable schedule, int numTimesteps = 4)
    {
        var (family, s) = FamilyTestKit.Build("ddgan", o, numTimesteps);
        schedule = s;
        return (DdganParameterization)family;
    }

    [TestCaseSource(nameof(Variants))]
    public void LossTerms_Variant_DiscriminatorFirstAndGradientsReachOnlyTheNamedNetwork(DdganOptions o)
    {
        using var family = Build(o, out var schedule);
        using var _ = schedule;
        var terms = GradientRouting.Run(family);
        Assert.That(terms.Select(t => t.Network), Is.EqualTo(new[] { "discriminator", "generator" }));
        foreach (var t in terms)
        {
            Assert.That(float.IsFinite(t.Loss), Is.True, $"{t.Name} = {t.Loss}");
            Assert.That(t.WithGrad, Is.EquivalentTo(new[] { t.Network }), $"{t.Name}: networks with gradients");
        }
        Assert.That(terms[0].Parts, Is.SupersetOf(new[] { "d_real", "d_fake" }));
    }

    [TestCaseSource(nameof(Variants))]
    public void Sample_Variant_ShapeAndNfe(DdganOptions o)
    {
        using var family = Build(o, out var schedule);
        using var _ = schedule;
        using var g = new Generator(3);
        var request = new SampleRequest { NumSamples = 6, Generator = g };
        using var x = family.Sample(request);
        Assert.That(x.shape, Is.EqualTo(new long[] { 6, 2 }));
        Assert.That(family.NumFunctionEvaluations(request), Is.EqualTo(o.IsAugmentation ? 1 : 4));
    }

    [Test]
    public void LossTerms_R1DueOnlyEveryLazyRegSteps_PenaltyPartAppearsOnDueSteps()
    {
        using var family = Build(new DdganOptions { Nz = 4, R1Gamma = 1.0, LazyReg = 3 }, out var schedule);
        using var _ = schedule;
        Assert.That(GradientRouting.Run(family, step: 3)[0].Parts, Does.Contain("r1"));
        Assert.That(GradientRouting.Run(family, step: 4)[0].Parts, Does.Not.Contain("r1"));
    }

    [Test]
    public void Networks_ChainMode_DiscriminatorSeesThePairAndGeneratorTheLatent()
    {
        using var family = Build(new DdganOptions { Nz = 5 }, out var schedule);
        using var _ = schedule;
        var d = (Backbone)family.Networks["discriminator"];
        var g = (Backbone)family.Networks["generator"];
        Assert.That(d.Request.InChannels, Is.EqualTo(4), "D(x_{t−1}, x_t, t) stacks the pair");
        Assert.That(d.Request.Output, Is.EqualTo(BackboneOutput.Pooled));
        Assert.That(g.Request.LatentDim, Is.EqualTo(5));
        Assert.That(g.Request.TanhOutput, Is.True);
    }

    [Test]
    public void Sample_X0OutputAtT1_ReturnsTheTanhBoundedX0Exactly()
    {
        // At T = 1 the chain is one step, and the last step returns x̂₀ itself: no posterior noise can leave [−1, 1].
        using var family = Build(new DdganOptions { Nz = 4 }, out var schedule, numTimesteps: 1);
        using var _ = schedule;
        using var g = new Generator(3);
        using var x = family.Sample(new SampleRequest { NumSamples = 2000, Generator = g });
        Assert.That(x.abs().max().item<float>(), Is.LessThanOrEqualTo(1f));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("4")]
    public void NumFunctionEvaluations_TrainedStepsOrNone_IsT(string? steps)
    {
        using var family = Build(new DdganOptions { Nz = 4 }, out var schedule);
        using var _ = schedule;
        using var g = new Generator(3);
        Assert.That(family.NumFunctionEvaluations(new SampleRequest { NumSamples = 1, Generator = g, Steps = steps }), Is.EqualTo(4));
    }

    [TestCase("2")]
    [TestCase("ddim4")]
    public void Sample_OtherStepCount_ThrowsNamingTheTrainedT(string steps)
    {
        using var family = Build(new DdganOptions { Nz = 4 }, out var schedule);
        using var _ = schedule;
        using var g = new Generator(3);
        var e = Assert.Throws<ArgumentException>(() => family.Sample(new SampleRequest { NumSamples = 1, Generator = g, Steps = steps }));
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
}
