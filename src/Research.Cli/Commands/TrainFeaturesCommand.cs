using System.CommandLine;
using System.Globalization;
using Research.Core.Data;
using Research.Core.Registry;
using Research.Core.Runtime;
using Research.Evaluation.Features;
using TorchSharp;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research train-features --data mnist</c>: trains the small CNN classifier whose penultimate layer gives the
/// features (FID, KID, precision/recall) and whose softmax gives the Inception Score for MNIST-like data sets, and
/// saves it as safetensors (default <c>.cache/features/&lt;data&gt;-cnn.safetensors</c>).
/// </summary>
public static class TrainFeaturesCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new Option<string>("--data") { Description = "Labelled image data set key: mnist | fashion-mnist (any registered labelled image data set)", Required = true };
        var output = new Option<string?>("--out") { Description = "Weights file (default: .cache/features/<data>-cnn.safetensors)" };
        var training = new FeatureCnnTrainingOptions();
        var architecture = new FeatureCnnOptions();
        var steps = new Option<int>("--steps") { Description = "Optimizer steps", DefaultValueFactory = _ => training.Steps };
        var batch = new Option<int>("--batch-size") { Description = "Minibatch size", DefaultValueFactory = _ => training.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => training.LearningRate };
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation and minibatches", DefaultValueFactory = _ => training.Seed };
        var width = new Option<int>("--width") { Description = "Channels of the first convolutions (keep a multiple of 16)", DefaultValueFactory = _ => architecture.Width };
        var featureDim = new Option<int>("--feature-dim") { Description = "Feature dimension (penultimate layer)", DefaultValueFactory = _ => architecture.FeatureDim };
        var dataRoot = CommonOptions.DataRoot();
        var cmd = new Command("train-features", "Train the CNN feature extractor / classifier for FID, KID, precision-recall and IS on an MNIST-like data set")
            { data, output, steps, batch, lr, seed, width, featureDim, dataRoot };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            var key = p.GetValue(data)!;
            var trainingOptions = new FeatureCnnTrainingOptions
            {
                Steps = p.GetValue(steps), BatchSize = p.GetValue(batch), LearningRate = p.GetValue(lr), Seed = p.GetValue(seed),
            };
            var problems = trainingOptions.Validate().Concat(new FeatureCnnOptions { Width = p.GetValue(width), FeatureDim = p.GetValue(featureDim) }.Validate()).ToList();
            if (problems.Count > 0) throw new UsageException(string.Join(" ", problems));
            using var services = Services.Build();
            var registry = services.Registry();
            if (!registry.TryGet(ComponentKind.Dataset, key, out var registration))
                throw new UsageException($"Unknown dataset '{key}'. Known: {string.Join(", ", registry.Keys(ComponentKind.Dataset))}.");
            TorchRuntime.Initialize();
            using var source = registry.Create<IDataSource>(ComponentKind.Dataset, key, Activator.CreateInstance(registration.OptionsType)!,
                new DatasetContext(p.GetValue(dataRoot)!, trainingOptions.Seed));
            var path = p.GetValue(output) ?? Path.Combine(".cache", "features", $"{key}-cnn.safetensors");
            Train(source, key, new FeatureCnnOptions { Width = p.GetValue(width), FeatureDim = p.GetValue(featureDim) }, trainingOptions, path, stdout);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>
    /// Trains on <paramref name="source"/> and saves to <paramref name="path"/>; prints progress and the result.
    /// <see cref="UsageException"/> when the source is not a labelled image source.
    /// </summary>
    public static CnnFeatureExtractor Train(IDataSource source, string datasetKey, FeatureCnnOptions architecture, FeatureCnnTrainingOptions training,
        string path, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(stdout);
        if (source.SampleShape.Length != 3 || source.NumClasses < 2)
            throw new UsageException($"'{datasetKey}' is not a labelled image data set (samples [{string.Join(", ", source.SampleShape)}], {source.NumClasses} classes).");
        var options = architecture with { InChannels = (int)source.SampleShape[0], NumClasses = source.NumClasses };
        torch.manual_seed(training.Seed); // TorchSharp's initialisers take no generator (as SessionBuilder does)
        var extractor = new CnnFeatureExtractor(new FeatureCnn(options), datasetKey);
        try
        {
            stdout.WriteLine($"Training the feature CNN on {datasetKey} ({source.Count:N0} images of [{string.Join(", ", source.SampleShape)}], {source.NumClasses} classes) for {training.Steps} steps");
            var report = FeatureCnnTrainer.Train(extractor.Network, source, training,
                (step, loss) => stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  step {step}/{training.Steps}: loss {loss:F4}")));
            extractor.Save(path, new Dictionary<string, string>
            {
                ["steps"] = training.Steps.ToString(CultureInfo.InvariantCulture),
                ["seed"] = training.Seed.ToString(CultureInfo.InvariantCulture),
                ["train_accuracy"] = report.Accuracy.ToString("R", CultureInfo.InvariantCulture),
            });
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Done in {report.Seconds:F0} s: final loss {report.Losses.TakeLast(Math.Min(50, report.Losses.Count)).Average():F4}, accuracy on {training.AccuracySamples} training draws {report.Accuracy:P2}"));
            stdout.WriteLine($"Saved {Path.GetFullPath(path)} (extractor '{extractor.Name}', identity {extractor.IdentityHash[..16]}…)");
            return extractor;
        }
        catch
        {
            extractor.Dispose();
            throw;
        }
    }
}
