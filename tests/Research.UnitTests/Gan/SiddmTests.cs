using Research.Core.Backbones;
using Research.Core.Parameterizations;
using Research.Parameterizations.Siddm;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Gan;

/// <summary>SIDDM (arXiv 2306.12511): its losses under every reading of A1–A4 the options offer.</summary>
[NonParallelizable]
public sealed class SiddmTests
{
    private static IEnumerable<TestCaseData> Variants()
    {
        yield return new TestCaseData((object)Array.Empty<string>()).SetName("Siddm defaults (AFD, entropy head, denoising head)");
        yield return new TestCaseData((object)new[] { "lambda_afd=0" }).SetName("Siddm without AFD");
        yield return new TestCaseData((object)new[] { "afd_target=x_prev", "afd_weight=one" }).SetName("Siddm A1 x_prev, A2 one");
        yield return new TestCaseData((object)new[] { "afd_weight=inv_beta", "use_entropy_head=false" }).SetName("Siddm A2 inv_beta, no entropy head");
        yield return new TestCaseData((object)new[] { "afd_trains_trunk=false", "lambda_reg=0" }).SetName("Siddm A3 detached head, no regulariser");
        yield return new TestCaseData((object)new[] { "r1_gamma=0.5", "use_latent=false" }).SetName("Siddm R1 on, no z");
        yield return new TestCaseData((object)new[] { "tanh_output=false" }).SetName("Siddm linear generator output");
    }

    private static SiddmOptions Options(Research.Training.Loop.TrainingSession s) => (SiddmOptions)s.Options.Parameterization.Options!;

    [TestCaseSource(nameof(Variants))]
    public void LossTerms_Variant_FiniteAndGradientsReachOnlyTheNamedNetwork(string[] options)
    {
        using var s = GanTestKit.Session("siddm", options);
        var terms = GanTestKit.Terms(s);
        Assert.That(terms.Select(t => t.Network), Is.EqualTo(new[] { "discriminator", "generator" }));
        foreach (var t in terms)
        {
            Assert.That(float.IsFinite(t.Loss), Is.True, $"{t.Name} = {t.Loss}");
            Assert.That(t.WithGrad, Is.EquivalentTo(new[] { t.Network }), $"{t.Name}: networks with gradients");
        }
    }

    [TestCaseSource(nameof(Variants))]
    public void LossTerms_Variant_LogThePartsTheOptionsSwitchOn(string[] options)
    {
        using var s = GanTestKit.Session("siddm", options);
        var o = Options(s);
        var terms = GanTestKit.Terms(s);
        var d = terms[0].Parts;
        var g = terms[1].Parts;
        Assert.That(d.Contains("d_afd"), Is.EqualTo(o.HasRegressionHead), "C_ψ regression");
        Assert.That(d.Contains("d_den"), Is.EqualTo(o.LambdaReg > 0), "denoising regulariser");
        Assert.That(d.Contains("r1"), Is.EqualTo(o.R1Gamma > 0), "R1");
        Assert.That(g.Contains("g_ce"), Is.EqualTo(o.LambdaAfd > 0), "AFD cross-entropy");
        Assert.That(g.Contains("g_ent"), Is.EqualTo(o.HasRegressionHead), "AFD entropy estimate");
    }

    [TestCaseSource(nameof(Variants))]
    public void Networks_Variant_MarginalDiscriminatorWithTheHeadsInUse(string[] options)
    {
        using var s = GanTestKit.Session("siddm", options);
        var o = Options(s);
        var d = (Backbone)s.Parameterization.Networks["discriminator"];
        Assert.That(d.Request.InChannels, Is.EqualTo(2), "D(x_{t−1}, t) never sees x_t");
        var names = d.named_parameters().Select(p => p.name).ToList();
        Assert.That(names.Contains("heads.regression.weight"), Is.EqualTo(o.HasRegressionHead));
        Assert.That(names.Contains("heads.denoiser.weight"), Is.EqualTo(o.LambdaReg > 0));
    }

    // A3 (afd_trains_trunk) decides only whether C_ψ's regression error in D's step shapes D's trunk. In G's step the
    // entropy estimate Ĥ must reach G through D's frozen trunk under both settings: without that gradient G never
    // raises C_ψ's error and "afd_trains_trunk: false" trains as "use_entropy_head: false" while still logging g_ent.
    [TestCase(true)]
    [TestCase(false)]
    public void GeneratorLoss_AfdTrainsTrunkEitherWay_EntropyTermGivesTheGeneratorAGradient(bool trainsTrunk)
    {
        using var s = GanTestKit.Session("siddm", $"afd_trains_trunk={trainsTrunk.ToString().ToLowerInvariant()}");
        var generator = s.Parameterization.Networks["generator"];
        using var scope = NewDisposeScope();
        var batch = s.Data.NextBatch(16, s.DataGenerator);
        var terms = s.Parameterization.LossTerms(batch, new StepInfo(0, s.TrainGenerator)).ToList();
        terms[0].Compute();                                    // D's term first, as the loop runs them (same draws)
        foreach (var o in s.Optimizers.Values) o.zero_grad();
        terms[1].Compute();
        var entropy = terms[1].Parts["g_ent"];
        Assert.That(entropy.requires_grad, Is.True, "Ĥ hangs on G's graph");
        entropy.backward();                                    // Ĥ alone
        var norm = generator.parameters().Select(p => p.grad is { } g ? g.square().sum().item<float>() : 0f).Sum();
        Assert.That(norm, Is.GreaterThan(0f), "∂Ĥ/∂θ_G");
        Assert.That(s.Parameterization.Networks["discriminator"].parameters().All(p => p.grad is null || p.grad.abs().sum().item<float>() == 0),
            Is.True, "D (and C_ψ) are frozen in G's step");
    }

    // The other half of A3: in D's step C_ψ's regression error trains the trunk only when afd_trains_trunk is true; its
    // own layer learns either way.
    [TestCase(true)]
    [TestCase(false)]
    public void DiscriminatorLoss_AfdTrainsTrunk_DecidesWhetherTheRegressionErrorReachesTheTrunk(bool trainsTrunk)
    {
        using var s = GanTestKit.Session("siddm", $"afd_trains_trunk={trainsTrunk.ToString().ToLowerInvariant()}");
        var d = s.Parameterization.Networks["discriminator"];
        using var scope = NewDisposeScope();
        var batch = s.Data.NextBatch(16, s.DataGenerator);
        var term = s.Parameterization.LossTerms(batch, new StepInfo(0, s.TrainGenerator)).First();
        foreach (var o in s.Optimizers.Values) o.zero_grad();
        term.Compute();
        term.Parts["d_afd"].backward();                        // C_ψ's regression error alone
        var grads = d.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad is { } g && g.abs().sum().item<float>() > 0);
        Assert.That(grads["heads.regression.weight"], Is.True, "C_ψ's own layer");
        Assert.That(grads["input.weight"], Is.EqualTo(trainsTrunk), "D's shared trunk");
        Assert.That(grads["output.weight"], Is.False, "the logit's layer takes no part");
    }

    [Test]
    public void GeneratorLoss_LambdaAfdZero_IsTheAdversarialTermAlone()
    {
        using var s = GanTestKit.Session("siddm", "lambda_afd=0");
        Assert.That(GanTestKit.Terms(s)[1].Parts, Is.EquivalentTo(new[] { "g_adv" }));
    }

    [Test]
    public void Sample_StepsOtherThanT_Throws()
    {
        using var s = GanTestKit.Session("siddm");
        Assert.Throws<ArgumentException>(() => GanTestKit.Sample(s, 1, "2"));
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
