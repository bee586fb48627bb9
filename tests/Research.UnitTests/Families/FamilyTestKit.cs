using Microsoft.Extensions.DependencyInjection;
using Research.Core.Configuration;
using Research.Core.Data;
using Research.Core.Parameterizations;
using Research.Core.Registry;
using Research.Core.Schedules;
using Research.Models.Mlp;
using Research.Training;
using Research.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Families;

/// <summary>
/// Tiny CPU fixtures for family tests: the built-in registry, a 16-wide MLP backbone, a T = 4 DDGAN schedule and
/// 2-D batches. Everything returned is owned by the caller (dispose it).
/// </summary>
public static class FamilyTestKit
{
    /// <summary>The built-in registry (every family, backbone and dataset).</summary>
    public static ComponentRegistry Registry { get; } =
        new ServiceCollection().AddComponentRegistry().AddBuiltInComponents().BuildServiceProvider().GetRequiredService<ComponentRegistry>();

    /// <summary>Every registered family key (contract tests run over all of them).</summary>
    public static IEnumerable<string> FamilyKeys => Registry.Keys(ComponentKind.Parameterization);

    /// <summary>A family with tiny networks on a T = 4 <c>ddgan-vp</c> schedule, built from a seeded global RNG.</summary>
    public static (IParameterization Family, NoiseSchedule Schedule) Build(string key, object? options = null, int numTimesteps = 4, long seed = 0)
    {
        var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = numTimesteps });
        var spec = new ComponentSpec { Type = "mlp", Options = new MlpOptions { HiddenDim = 16, NumLayers = 2, TimeEmbedDim = 8, LatentEmbedDim = 8 } };
        manual_seed(seed);
        using var init = new Generator((ulong)seed);
        var context = new BuildContext(schedule, new BackboneFactory(Registry, spec), CPU, init) { SampleShape = [2] };
        var registration = Registry.Get(ComponentKind.Parameterization, key);
        options ??= Activator.CreateInstance(registration.OptionsType)!;
        return (Registry.Create<IParameterization>(ComponentKind.Parameterization, key, options, context), schedule);
    }

    /// <summary>A batch of 2-D points in model space: two clusters at ±0.5 with a little noise. <c>[n, 2]</c>.</summary>
    public static TrainBatch Batch(int n = 32, long seed = 1)
    {
        using var g = new Generator((ulong)seed);
        var sign = randint(0, 2, [n, 1], generator: g).to(float32).mul(2).sub(1);
        var x0 = sign.mul(0.5).add(randn([n, 2], generator: g).mul(0.05));
        return new TrainBatch(x0, null);
    }

    /// <summary>Detached copies of every parameter of <paramref name="module"/>, by name.</summary>
    public static Dictionary<string, Tensor> Snapshot(nn.Module module) =>
        module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    /// <summary>Whether any parameter differs from <paramref name="before"/>.</summary>
    public static bool Changed(nn.Module module, Dictionary<string, Tensor> before) =>
        module.named_parameters().Any(p => !Same(p.parameter, before[p.name]));

    /// <summary>Same shape and bit-identical values (TorchSharp's <c>equal</c> is element-wise).</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }

    /// <summary>Whether any parameter of <paramref name="module"/> holds a non-zero gradient.</summary>
    public static bool HasGradient(nn.Module module) =>
        module.parameters().Any(p => p.grad is { } g && g.abs().sum().item<float>() > 0);

    /// <summary>Zeroes (drops) every gradient of every network, as the loop does before each term.</summary>
    public static void ZeroGrads(IParameterization family)
    {
        foreach (var net in family.Networks.Values) net.zero_grad();
    }
}
