using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;

// In-process: a generated child project would not get the TorchSharp native fix-up of Directory.Build.targets.
var config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessNoEmitToolchain.Instance))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(Research.Benchmarks.ScheduleBenchmarks).Assembly).Run(args, config);
