using Research.Core.Backbones;
using Research.Parameterizations.Siddm;
using Research.UnitTests.Families;
using TorchSharp;

namespace Research.UnitTests.Parameterizations;

/// <summary>SIDDM (arXiv 2306.12511): its losses under every reading of A1–A4 the options offer.</summary>
[NonParallelizable]
public sealed class SiddmTests
{
    private static IEnumerable<TestCaseData> Variants()
    {
        yield return new TestCaseData(new SiddmOptions { Nz = 4 }).SetName("defaults (AFD, entropy head, denoising head)");
        yield return new TestCaseData(new SiddmOptions { Nz = 4, LambdaAfd = 0 }).SetName("without AFD");
        yield return new TestCaseData(new SiddmOptions { Nz = 4, AfdTarget = "x_prev", AfdWeight = "one" }).SetName("A1 x_prev, A2 one");
        yield return new TestCaseData(new SiddmOptions { Nz = 4, AfdWeight = "inv_beta", UseEntropyHead = false }).SetName("A2 inv_beta, no entropy head");
        yield return new TestCaseData(new SiddmOptions { Nz = 4, AfdTrainsTrunk = false, LambdaReg = 0 }).SetName("A3 detached head, no regulariser");
        yield return new TestCaseData(new SiddmOptions { Nz = 4, R1Gamma = 0.5, UseLatent = false }).SetName("R1 on, no z");
    }

    private static SiddmParameterization Build(SiddmOptions o, out IDisposable schedule)
    {
        var (family, s) = FamilyTestKit.Build("siddm", o);
        schedule = s;
        return (SiddmParameterization)family;
    }

    [TestCaseSource(nameof(Variants))]
    public void LossTerms_Variant_FiniteAndGradientsReachOnlyTheNamedNetwork(SiddmOptions o)
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
    }

    [TestCaseSource(nameof(Variants))]
    public void LossTerms_Variant_LogThePartsTheOptionsSwitchOn(SiddmOptions o)
    {
        using var family = Build(o, out var schedule);
        using var _ = schedule;
        var terms = GradientRouting.Run(family);
        var d = terms[0].Parts;
        var g = terms[1].Parts;
        Assert.That(d.Contains("d_afd"), Is.EqualTo(o.HasRegressionHead), "C_ψ regression");
        Assert.That(d.Contains("d_den"), Is.EqualTo(o.LambdaReg > 0), "denoising regulariser");
        Assert.That(d.Contains("r1"), Is.EqualTo(o.R1Gamma > 0), "R1");
        Assert.That(g.Contains("g_ce"), Is.EqualTo(o.LambdaAfd > 0), "AFD cross-entropy");
        Assert.That(g.Contains("g_ent"), Is.EqualTo(o.HasRegressionHead), "AFD entropy estimate");
    }

    [TestCaseSource(nameof(Variants))]
    public void Networks_Variant_MarginalDiscriminatorWithTheHeadsInUse(SiddmOptions o)
    {
        using var family = Build(o, out var schedule);
        using var _ = schedule;
        var d = (Backbone)family.Networks["discriminator"];
        Assert.That(d.Request.InChannels, Is.EqualTo(2), "D(x_{t−1}, t) never sees x_t");
        var names = d.named_parameters().Select(p => p.name).ToList();
        Assert.That(names.Contains("heads.regression.weight"), Is.EqualTo(o.HasRegressionHead));
        Assert.That(names.Contains("heads.denoiser.weight"), Is.EqualTo(o.LambdaReg > 0));
    }

    [Test]
    public void GeneratorLoss_LambdaAfdZero_IsTheAdversarialTermAlone()
    {
        using var family = Build(new SiddmOptions { Nz = 4, LambdaAfd = 0 }, out var schedule);
        using var _ = schedule;
        var g = GradientRouting.Run(family)[1];
        Assert.That(g.Parts, Is.EquivalentTo(new[] { "g_adv" }));
    }

    [Test]
    public void Sample_StepsOtherThanT_Throws()
    {
        using var family = Build(new SiddmOptions { Nz = 4 }, out var schedule);
        using var _ = schedule;
        using var gen = new torch.Generator(1);
        Assert.Throws<ArgumentException>(() => family.Sample(new() { NumSamples = 1, Generator = gen, Steps = "8" }));
    }

    [Test]
    public void Validate_UnknownReadings_ReportTheirKeys()
    {
        var problems = new SiddmOptions { AfdTarget = "x0", AfdWeight = "half" }.Validate().ToList();
        Assert.That(problems, Has.Some.StartsWith("afd_target:"));
        Assert.That(problems, Has.Some.StartsWith("afd_weight:"));
        Assert.That(new SiddmOptions().Validate(), Is.Empty);
    }
}
