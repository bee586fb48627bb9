using System.Text.Json.Nodes;
using Research.Core.Configuration;
using Research.Core.Registry;
using Research.Training.Loop;

namespace Research.Training.Benchmarks;

/// <summary>Times one run's trainer step in fp32 and in bf16 at a common batch size, in alternating windows.</summary>
public static class PrecisionBench
{
    /// <summary>Builds both sessions from <paramref name="resolvedJson"/> with the batch size and precision replaced.</summary>
    public static PrecisionBenchResult Measure(string run, string resolvedJson, ComponentRegistry registry, string dataRoot, BenchSettings settings)
    {
        using var fp32 = Build(resolvedJson, "fp32", settings.PrecisionBatchSize, registry, dataRoot);
        using var bf16 = Build(resolvedJson, "bf16", settings.PrecisionBatchSize, registry, dataRoot);
        var t32 = new Trainer(fp32, null);
        var t16 = new Trainer(bf16, null);
        TrainingBench.Calibrate(settings, n => TrainingBench.TrainerSteps(t16, bf16, n));
        int window = TrainingBench.Calibrate(settings, n => TrainingBench.TrainerSteps(t32, fp32, n));
        var a = new List<double>();
        var b = new List<double>();
        for (int w = 0; w < settings.Windows; w++)
        {
            a.Add(TrainingBench.Time(() => TrainingBench.TrainerSteps(t32, fp32, window)) / window);
            b.Add(TrainingBench.Time(() => TrainingBench.TrainerSteps(t16, bf16, window)) / window);
        }
        var o = fp32.Options;
        return new PrecisionBenchResult(run, o.Parameterization.Type, o.Backbone.Type, settings.PrecisionBatchSize, window,
            IntervalStats.Of(a), IntervalStats.Of(b));
    }

    private static TrainingSession Build(string resolvedJson, string precision, int batchSize, ComponentRegistry registry, string dataRoot)
    {
        var root = JsonNode.Parse(resolvedJson)!.AsObject();
        var training = root["training"]!.AsObject();
        training["precision"] = precision;
        training["batch_size"] = batchSize;
        var json = root.ToJsonString();
        return SessionBuilder.Build(ExperimentLoader.LoadResolved(json, registry), json, registry, dataRoot);
    }
}
