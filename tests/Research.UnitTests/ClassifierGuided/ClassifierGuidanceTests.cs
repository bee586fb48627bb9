using Research.Core.Parameterizations;
using Research.Core.Sampling;
using Research.Core.Schedules;
using Research.Training.Loop;
using Research.UnitTests.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.ClassifierGuided;

[NonParallelizable]
public class ClassifierGuidanceTests
{
    // A linear "classifier" with known gradient: logits = x·W, so ∇ₓ log p(y|x) = W[:, y] − Σ_k p_k W[:, k].
    private static readonly double[,] W = { { 2.0, -1.0, 0.5 }, { 0.0, 1.5, -2.0 } };

    private static Tensor Logits(Tensor x, Tensor t) => x.matmul(tensor(W, dtype: x.dtype));

    [Test]
    public void ScaledGradient_LinearClassifier_MatchesClosedForm()
    {
        using var x = tensor(new float[,] { { 0.3f, -0.7f }, { 1.2f, 0.4f } });
        using var t = zeros(2, dtype: int64);
        using var y = tensor(new long[] { 0, 2 });
        using var g = new ClassifierGuidance(Logits, 2.5).ScaledGradient(x, t, y);
        for (int i = 0; i < 2; i++)
        {
            double[] logits = [0, 0, 0];
            for (int k = 0; k < 3; k++) logits[k] = x[i, 0].item<float>() * W[0, k] + x[i, 1].item<float>() * W[1, k];
            double z = logits.Select(Math.Exp).Sum();
            for (int d = 0; d < 2; d++)
            {
                int label = (int)y[i].item<long>();
                double expected = W[d, label] - Enumerable.Range(0, 3).Sum(k => Math.Exp(logits[k]) / z * W[d, k]);
                Assert.That(g[i, d].item<float>(), Is.EqualTo(2.5 * expected).Within(1e-5));
            }
        }
    }

    [Test]
    public void GuidedSampling_TowardRequestedClass_ShiftGrowsWithScale()
    {
        // Data N(0, 0.5²); the optimal ε-model; a classifier that says class 0 ⇔ x₁ > 0.
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 200 });
        EpsModel eps = (xt, t, _) =>
        {
            var ab = schedule.Extract(ScheduleCoefficient.AlphaBars, t, xt.dim());
            return xt * (1 - ab).sqrt() / (ab * 0.25 + (1 - ab));
        };
        Func<Tensor, Tensor, Tensor> classifier = (x, _) => cat([x.narrow(1, 0, 1) * 4, x.narrow(1, 0, 1) * -4], 1);
        double MeanX1(double scale, SamplerKind sampler)
        {
            using var g = new Generator(11);
            using var labels = zeros(2000, dtype: int64);
            var request = new SampleRequest
            {
                NumSamples = 2000, Generator = g, Labels = labels, Sampler = sampler, Steps = sampler == SamplerKind.Ddim ? "ddim50" : null,
                ClipDenoised = false, Guidance = scale == 0 ? null : new ClassifierGuidance(classifier, scale),
            };
            using var x = EpsSampler.Sample(schedule, eps, [2], request, CPU, ReverseVariance.FixedSmall);
            return x.select(1, 0).mean().item<float>();
        }
        foreach (var sampler in new[] { SamplerKind.Ancestral, SamplerKind.Ddim })
        {
            double m0 = MeanX1(0, sampler), m1 = MeanX1(1, sampler), m4 = MeanX1(4, sampler);
            Assert.That(Math.Abs(m0), Is.LessThan(0.05), $"{sampler}: unguided mean {m0}");
            Assert.That(m1, Is.GreaterThan(m0 + 0.05), $"{sampler}: guidance must pull toward class 0");
            Assert.That(m4, Is.GreaterThan(m1), $"{sampler}: a larger scale pulls harder");
        }
    }

    [Test]
    public void Sample_ScaleZero_ExactlyUnguided()
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny("classifier-guided"));
        using var labels = arange(6, dtype: int64).remainder(25);
        Tensor Draw(SampleRequest r) => s.Parameterization.Sample(r);
        using var g1 = new Generator(3);
        using var g2 = new Generator(3);
        using var guided0 = Draw(new SampleRequest { NumSamples = 6, Generator = g1, Labels = labels, GuidanceScale = 0 });
        using var plain = Draw(new SampleRequest { NumSamples = 6, Generator = g2 });
        Assert.That(TestTensors.AreIdentical(guided0, plain), Is.True);
        using var g3 = new Generator(3);
        using var guided = Draw(new SampleRequest { NumSamples = 6, Generator = g3, Labels = labels, GuidanceScale = 5 });
        Assert.That(TestTensors.AreIdentical(guided, plain), Is.False, "a non-zero scale must change the samples");
    }

    [Test]
    public void Train_TinyRun_ClassifierLossFalls()
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny("classifier-guided", sets:
            ["schedule.type=linear", "schedule.num_timesteps=100", "training.steps=300", "training.log_every=50",
             "training.optimizer.lr=0.003", "backbone.options.hidden_dim=64", "training.batch_size=64"]));
        var trainer = new Trainer(s, null);
        trainer.Train();
        double first = (double)trainer.History[0]["classifier_loss"], last = (double)trainer.History[^1]["classifier_loss"];
        // Averaged over all t the loss has a floor near ln 25 (x_T carries no class); at t = 0 the classes separate.
        Assert.That(last, Is.LessThan(first - 0.15), $"classifier loss {first:F3} → {last:F3}");
        using var g = new Generator(9);
        var diag = ((Research.Core.Parameterizations.IReportsDiagnostics)s.Parameterization).Diagnostics(s.Data, g);
        Assert.That(diag["classifier_accuracy@t=0"], Is.GreaterThan(0.3), "chance is 0.04");
    }
}
