using System.CommandLine;
using System.Globalization;
using Research.Core.Data;
using Research.Core.Registry;
using Research.Core.Runtime;
using Research.Data.Images;
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
            using var test = TestSplit(registry, key, registration.OptionsType, p.GetValue(dataRoot)!, trainingOptions.Seed);
            using var extractor = Train(source, key, new FeatureCnnOptions { Width = p.GetValue(width), FeatureDim = p.GetValue(featureDim) },
                trainingOptions, path, stdout, test);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>
    /// Trains on <paramref name="source"/> and saves to <paramref name="path"/>; prints progress and the result.
    /// <see cref="UsageException"/> when the source is not a labelled image source.
    /// </summary>
    /// <param name="source">Labelled training images.</param>
    /// <param name="datasetKey">The data set's registry key (names the extractor).</param>
    /// <param name="architecture">The CNN's shape (channels and classes are taken from the data).</param>
    /// <param name="training">Steps, batch size, learning rate, seed.</param>
    /// <param name="path">Where the weights go (atomically).</param>
    /// <param name="stdout">Progress and result lines.</param>
    /// <param name="heldOut">The data set's test split, if it has one: its accuracy over every image is printed and stored.</param>
    public static CnnFeatureExtractor Train(IDataSource source, string datasetKey, FeatureCnnOptions architecture, FeatureCnnTrainingOptions training,
        string path, TextWriter stdout, ImageSet? heldOut = null)
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
            var metadata = new Dictionary<string, string>
            {
                ["steps"] = training.Steps.ToString(CultureInfo.InvariantCulture),
                ["seed"] = training.Seed.ToString(CultureInfo.InvariantCulture),
                ["train_accuracy"] = report.Accuracy.ToString("R", CultureInfo.InvariantCulture),
            };
            if (heldOut?.Labels is { } testLabels)
            {
                double testAccuracy = FeatureCnnTrainer.AccuracyOnAll(extractor.Network, heldOut.Pixels, testLabels, training.BatchSize);
                metadata["test_accuracy"] = testAccuracy.ToString("R", CultureInfo.InvariantCulture);
                metadata["test_images"] = heldOut.Count.ToString(CultureInfo.InvariantCulture);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Held-out accuracy on all {heldOut.Count:N0} images of the test split: {testAccuracy:P2}"));
            }
            extractor.Save(path, metadata);
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

    /// <summary>The test split of an image data set (for held-out accuracy), or null when it has none or its files are absent.</summary>
    private static ImageSet? TestSplit(ComponentRegistry registry, string key, Type optionsType, string dataRoot, long seed)
    {
        if (Activator.CreateInstance(optionsType) is not ImageDataOptions options) return null;
        options.Split = "test";
        try
        {
            return registry.Create<IDataSource>(ComponentKind.Dataset, key, options, new DatasetContext(dataRoot, seed)) as ImageSet;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
