using BenchmarkDotNet.Attributes;
using Research.Core.Adversarial;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Benchmarks;

/// <summary>
/// The shared schedule's per-step tensor math on a 2-D batch (512 × 2) and an image batch (64 × 1 × 28 × 28): building the
/// tables, q(x_t | x₀) sampling, the posterior mean and one DDGAN posterior step (x̂₀ → x_{t−1} with fresh noise).
/// </summary>
[MemoryDiagnoser]
public class ScheduleBenchmarks
{
    private NoiseSchedule _schedule = null!;
    private Tensor _x0 = null!, _xt = null!, _eps = null!, _t = null!;
    private Generator _generator = null!;

    /// <summary>Batch shape: 2-D points or MNIST-sized images.</summary>
    [Params("512x2", "64x1x28x28")]
    public string Shape { get; set; } = "512x2";

    /// <summary>Allocates the schedule and the fixed inputs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        TorchSetup.Initialize();
        _schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 1000 });
        long[] shape = Shape.Split('x').Select(long.Parse).ToArray();
        _generator = new Generator(0);
        _x0 = randn(shape, generator: _generator);
        _xt = randn(shape, generator: _generator);
        _eps = randn(shape, generator: _generator);
        _t = randint(0, 1000, [shape[0]], dtype: int64, generator: _generator);
    }

    /// <summary>Frees everything.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { _x0, _xt, _eps, _t }) t.Dispose();
        _generator.Dispose();
        _schedule.Dispose();
    }

    /// <summary>All coefficient tables for T = 1000 (float64 on the host, then device tensors).</summary>
    [Benchmark]
    public int CreateSchedule()
    {
        using var s = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 1000 });
        return s.NumTimesteps;
    }

    /// <summary>x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε.</summary>
    [Benchmark]
    public long QSample()
    {
        using var scope = NewDisposeScope();
        return _schedule.QSample(_x0, _t, _eps).numel();
    }

    /// <summary>μ̃(x_t, x₀) of q(x_{t−1} | x_t, x₀).</summary>
    [Benchmark]
    public long PosteriorMean()
    {
        using var scope = NewDisposeScope();
        return _schedule.QPosteriorMean(_x0, _xt, _t).numel();
    }

    /// <summary>One sample of q(x_{t−1} | x_t, x̂₀) as DDGAN's chain draws it.</summary>
    [Benchmark]
    public long PosteriorStep()
    {
        using var scope = NewDisposeScope();
        return GanChainSampler.PosteriorStep(_schedule, _x0, _xt, _t, _generator).numel();
    }
}
