using Research.Evaluation.Metrics;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

/// <summary>The judge's recognisable %, class KL and intra-class diversity on constructed tensors with known answers.</summary>
public class JudgeMetricsTests
{
    // Rows of K = 10 probabilities: class c with probability p, the rest spread evenly.
    private static Tensor Rows(params (int Class, double P)[] rows)
    {
        var data = new float[rows.Length * 10];
        for (int i = 0; i < rows.Length; i++)
            for (int k = 0; k < 10; k++)
                data[i * 10 + k] = (float)(k == rows[i].Class ? rows[i].P : (1 - rows[i].P) / 9);
        return tensor(data, [rows.Length, 10]);
    }

    [Test]
    public void ClassKl_UniformHistogram_Zero_OneClass_LnTen_TwoClasses_LnFive()
    {
        using var uniform = Rows([.. Enumerable.Range(0, 30).Select(i => (i % 10, 0.6))]);
        using var one = Rows([.. Enumerable.Range(0, 30).Select(_ => (7, 0.6))]);
        using var two = Rows([.. Enumerable.Range(0, 30).Select(i => (i % 2, 0.6))]);

        Assert.That(JudgeMetrics.ClassKl(uniform), Is.EqualTo(0).Within(1e-12));
        Assert.That(JudgeMetrics.ClassKl(one), Is.EqualTo(Math.Log(10)).Within(1e-12));
        Assert.That(JudgeMetrics.ClassKl(two), Is.EqualTo(Math.Log(5)).Within(1e-12));   // ½ ln(10·½) · 2
    }

    [Test]
    public void RecognisablePercent_CountsConfidencesAtOrAboveTau()
    {
        // Confidences 0.7001, 0.7, 0.6999, 0.3: two of four reach τ = 0.69995.
        using var p = Rows((0, 0.7001), (1, 0.7), (2, 0.6999), (3, 0.3));

        Assert.That(JudgeMetrics.RecognisablePercent(p, 0.69995), Is.EqualTo(50));
        Assert.That(JudgeMetrics.RecognisablePercent(p, 0.69985), Is.EqualTo(75));    // just below the third
        Assert.That(JudgeMetrics.RecognisablePercent(p, 0.70005), Is.EqualTo(25));    // just below the first only
        Assert.That(JudgeMetrics.RecognisablePercent(p, 0.99), Is.EqualTo(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => JudgeMetrics.RecognisablePercent(p, 1.0));
    }

    [Test]
    public void ThresholdFor_NinetyPercentOfTheRowsReachIt()
    {
        // Confidences 0.50, 0.51, …, 0.69 (20 rows): the 10 % quantile is the third smallest, 0.52; 18 of 20 reach it.
        using var p = Rows([.. Enumerable.Range(0, 20).Select(i => (i % 10, 0.5 + 0.01 * i))]);

        double tau = JudgeMetrics.ThresholdFor(p);

        Assert.That(tau, Is.EqualTo(0.52).Within(1e-6));
        Assert.That(JudgeMetrics.RecognisablePercent(p, tau), Is.EqualTo(90));
    }

    [Test]
    public void IntraClassDiversity_MeanPairwiseDistanceWithinClasses()
    {
        // Class 0: (0,0), (3,4), (6,8) → distances 5, 5, 10 → mean 20/3. Class 1: (1,1) twice → 0. Class 2: one sample, skipped.
        using var features = tensor(new float[] { 0, 0, 3, 4, 6, 8, 1, 1, 1, 1, 9, 9 }, [6, 2]);
        using var labels = tensor(new long[] { 0, 0, 0, 1, 1, 2 });

        double d = JudgeMetrics.IntraClassDiversity(features, labels);

        Assert.That(d, Is.EqualTo((20.0 / 3 + 0) / 2).Within(1e-5));
        using var single = tensor(new long[] { 0, 1, 2, 3, 4, 5 });
        Assert.That(JudgeMetrics.IntraClassDiversity(features, single), Is.NaN);
    }
}
