using Research.Evaluation.Metrics;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

public class InceptionScoreTests
{
    [Test]
    public void FromProbabilities_ConfidentAndUniformOverKClasses_IsK()
    {
        // One-hot predictions cycling through K = 10 classes: every split of 10 holds each class once, so p(y) is
        // uniform and KL(p(y|x) ‖ p(y)) = log K for every x.
        using var labels = arange(100, dtype: int64).remainder(10);
        using var p = nn.functional.one_hot(labels, 10).to(float32);
        var score = InceptionScore.FromProbabilities(p, splits: 10);
        Assert.That(score.Mean, Is.EqualTo(10).Within(1e-9));
        Assert.That(score.Std, Is.EqualTo(0).Within(1e-9));
        Assert.That(score.Parts, Is.EqualTo(10));
    }

    [Test]
    public void FromProbabilities_AllOneClassOrAllUniform_IsOne()
    {
        using var oneClass = zeros(50, 5);
        oneClass.select(1, 2).fill_(1);
        Assert.That(InceptionScore.FromProbabilities(oneClass, splits: 5).Mean, Is.EqualTo(1).Within(1e-12));
        using var uniform = full(50, 5, 0.2f);
        Assert.That(InceptionScore.FromProbabilities(uniform, splits: 5).Mean, Is.EqualTo(1).Within(1e-6));
    }

    [Test]
    public void FromProbabilities_TwoSoftClasses_EqualsTheHandComputedValue()
    {
        // Half the rows (0.9, 0.1), half (0.1, 0.9): p(y) = (0.5, 0.5), KL = 0.9 ln 1.8 + 0.1 ln 0.2 for every row.
        using var p = tensor(new float[] { 0.9f, 0.1f, 0.1f, 0.9f, 0.9f, 0.1f, 0.1f, 0.9f }, [4, 2]);
        var expected = Math.Exp(0.9 * Math.Log(1.8) + 0.1 * Math.Log(0.2));
        Assert.That(InceptionScore.FromProbabilities(p, splits: 1).Mean, Is.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public void FromLogits_EqualsFromProbabilitiesOfTheSoftmax()
    {
        using var g = new Generator(8);
        using var logits = randn([40, 7], generator: g) * 3;
        using var p = logits.softmax(1);
        var a = InceptionScore.FromLogits(logits, splits: 4);
        var b = InceptionScore.FromProbabilities(p, splits: 4);
        Assert.That(a.Mean, Is.EqualTo(b.Mean).Within(1e-5));
        Assert.That(a.Std, Is.EqualTo(b.Std).Within(1e-5));
    }

    [Test]
    public void FromProbabilities_BadInput_Throws()
    {
        using var notNormalised = ones(20, 3);
        Assert.Throws<ArgumentException>(() => InceptionScore.FromProbabilities(notNormalised, splits: 2));
        using var few = full(5, 2, 0.5f);
        Assert.Throws<ArgumentException>(() => InceptionScore.FromProbabilities(few, splits: 10));
    }
}
