using Research.Core.Parameterizations;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Families;

/// <summary>
/// For the two-network families: runs each loss term like the loop (zero, compute, backward) and reports which
/// networks received a non-zero gradient, and the term's logged parts.
/// </summary>
public static class GradientRouting
{
    /// <summary>(term name, network it names, networks with a gradient, its parts' names, its loss value) per term.</summary>
    public static List<(string Name, string Network, HashSet<string> WithGrad, HashSet<string> Parts, float Loss)> Run(
        IParameterization family, long step = 0)
    {
        var result = new List<(string, string, HashSet<string>, HashSet<string>, float)>();
        using var scope = NewDisposeScope();
        using var g = new Generator(11);
        foreach (var term in family.LossTerms(FamilyTestKit.Batch(), new StepInfo(step, g)))
        {
            FamilyTestKit.ZeroGrads(family);
            var loss = term.Compute();
            loss.backward();
            var withGrad = family.Networks.Where(p => FamilyTestKit.HasGradient(p.Value)).Select(p => p.Key).ToHashSet();
            result.Add((term.Name, term.Network, withGrad, term.Parts.Keys.ToHashSet(), loss.item<float>()));
        }
        return result;
    }
}
