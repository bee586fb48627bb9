using Research.Core.Parameterizations;
using Research.Training.Loop;
using Research.UnitTests.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Gan;

/// <summary>Shared steps of the GAN family tests, on <see cref="TestExperiments.Tiny(string, long, string[])"/> sessions.</summary>
public static class GanTestKit
{
    /// <summary>A tiny session of <paramref name="family"/> with <c>parameterization.options.*</c> overrides.</summary>
    public static TrainingSession Session(string family, params string[] options) =>
        TestExperiments.Session(TestExperiments.Tiny(family, sets: options.Select(o => "parameterization.options." + o).ToArray()));

    /// <summary>
    /// Runs every loss term of one step as the loop does (zero, compute, backward) and reports, per term, the network
    /// it names, the networks that received a non-zero gradient, the parts it logged and its value.
    /// </summary>
    public static List<(string Name, string Network, HashSet<string> WithGrad, HashSet<string> Parts, float Loss)> Terms(
        TrainingSession s, long step = 0)
    {
        var result = new List<(string, string, HashSet<string>, HashSet<string>, float)>();
        using var scope = NewDisposeScope();
        var batch = s.Data.NextBatch(16, s.DataGenerator);
        foreach (var term in s.Parameterization.LossTerms(batch, new StepInfo(step, s.TrainGenerator)))
        {
            foreach (var o in s.Optimizers.Values) o.zero_grad();
            var loss = term.Compute();
            loss.backward();
            var withGrad = s.Parameterization.Networks
                .Where(p => p.Value.parameters().Any(w => w.grad is { } g && g.abs().sum().item<float>() > 0))
                .Select(p => p.Key).ToHashSet();
            result.Add((term.Name, term.Network, withGrad, term.Parts.Keys.ToHashSet(), loss.item<float>()));
            s.Optimizers[term.Network].step();
        }
        return result;
    }

    /// <summary>Draws <paramref name="n"/> samples with a fixed generator.</summary>
    public static Tensor Sample(TrainingSession s, int n, string? steps = null)
    {
        using var g = new Generator(7);
        return s.Parameterization.Sample(new SampleRequest { NumSamples = n, Generator = g, Steps = steps });
    }
}
