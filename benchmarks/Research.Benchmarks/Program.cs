using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;

// In-process: a generated child project would not get the TorchSharp native fix-up of Directory.Build.targets.
// 15 iterations, not ShortRun's 3: on the shared 2-core machine three iterations gave 2.5x between two runs of one case.
var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(15).WithToolchain(InProcessNoEmitToolchain.Instance))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Research.Benchmarks.ScheduleBenchmarks).Assembly).Run(args, config);
