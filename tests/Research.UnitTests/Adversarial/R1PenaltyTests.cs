using Research.Core.Adversarial;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Adversarial;

/// <summary>R1 (arXiv 1801.04406 eq. 9) against central finite differences on a tiny float64 discriminator.</summary>
public sealed class R1PenaltyTests
{
    private const double Gamma = 0.7;
    private const double H = 1e-5;

    // D(x) = w2·tanh(W1 x + b1) + b2, x [B, 3] → [B, 1], float64.
    private static nn.Module<Tensor, Tensor> TinyDiscriminator()
    {
        manual_seed(4);
        var d = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 1));
        d.to(float64);
        return d;
    }

    private static Tensor Input()
    {
        using var g = new Generator(8);
        return randn([4, 3], dtype: float64, generator: g);
    }

    // (γ/2)·mean_b ‖∇ₓ D(x_b)‖² with every partial derivative taken by central differences.
    private static double PenaltyByFiniteDifferences(nn.Module<Tensor, Tensor> d, Tensor x)
    {
        using var _ = no_grad();
        double total = 0;
        for (int b = 0; b < x.shape[0]; b++)
            for (int j = 0; j < x.shape[1]; j++)
            {
                using var plus = x.clone();
                using var minus = x.clone();
                plus[b, j] += H;
                minus[b, j] -= H;
                using var dPlus = d.call(plus);
                using var dMinus = d.call(minus);
                double grad = (dPlus[b, 0].item<double>() - dMinus[b, 0].item<double>()) / (2 * H);
                total += grad * grad;
            }
        return Gamma / 2 * total / x.shape[0];
    }

    [Test]
    public void Compute_TinyDiscriminator_MatchesFiniteDifferences()
    {
        using var d = TinyDiscriminator();
        using var x = Input();
        using var scope = NewDisposeScope();
        var input = x.detach().requires_grad_(true);
        var penalty = R1Penalty.Compute(d.call(input), input, Gamma).item<double>();
        Assert.That(penalty, Is.EqualTo(PenaltyByFiniteDifferences(d, x)).Within(1e-8));
    }

    [Test]
    public void Backward_TinyDiscriminator_ParameterGradientMatchesFiniteDifferences()
    {
        // The double backward: ∂R1/∂θ through the create_graph gradient, against differences of R1 in θ.
        using var d = TinyDiscriminator();
        using var x = Input();
        using (var scope = NewDisposeScope())
        {
            var input = x.detach().requires_grad_(true);
            R1Penalty.Compute(d.call(input), input, Gamma).backward();
        }
        var weight = d.parameters().First();                                       // W1 [5, 3]
        using var analytic = weight.grad!.detach().clone();
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 3; j++)
            {
                double original;
                using (no_grad()) original = weight[i, j].item<double>();
                using (no_grad()) weight[i, j] = original + H;
                double plus = PenaltyByFiniteDifferences(d, x);
                using (no_grad()) weight[i, j] = original - H;
                double minus = PenaltyByFiniteDifferences(d, x);
                using (no_grad()) weight[i, j] = original;
                Assert.That(analytic[i, j].item<double>(), Is.EqualTo((plus - minus) / (2 * H)).Within(1e-5), $"W1[{i},{j}]");
            }
    }

    [Test]
    public void Compute_InputWithoutGrad_Throws()
    {
        using var d = TinyDiscriminator();
        using var x = Input();
        using var logits = d.call(x);
        Assert.Throws<ArgumentException>(() => R1Penalty.Compute(logits, x, Gamma));
    }

    [TestCase(0, 15, true)]
    [TestCase(14, 15, false)]
    [TestCase(30, 15, true)]
    [TestCase(7, 1, true)]
    public void Due_LazyInterval_EveryIntervalSteps(long step, int interval, bool due)
    {
        Assert.That(R1Penalty.Due(step, interval), Is.EqualTo(due));
    }
}
