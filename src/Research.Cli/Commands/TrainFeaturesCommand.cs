using System.CommandLine;
using System.Globalization;
using Research.Core.Data;
using Research.Core.Registry;
using Research.Core.Runtime;
using Research.Data.Images;
using Research.Evaluation.Features;
using Research.Evaluation.Metrics;
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
        var imageSize = new Option<int?>("--image-size") { Description = "Side of the images (the data set's image_size option; default: its default, 32 for mnist; 0 = the files' size)" };
        var evaluateOnly = new Option<bool>("--evaluate-only") { Description = "Do not train: load the weights at --out (or the default path) and report their accuracy on the test split" };
        var dataRoot = CommonOptions.DataRoot();
        var cmd = new Command("train-features", "Train the CNN feature extractor / classifier for FID, KID, precision-recall and IS on an MNIST-like data set")
            { data, output, steps, batch, lr, seed, width, featureDim, imageSize, evaluateOnly, dataRoot };
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
            using var source = registry.Create<IDataSource>(ComponentKind.Dataset, key, DataOptions(registration.OptionsType, p.GetValue(imageSize), "train"),
                new DatasetContext(p.GetValue(dataRoot)!, trainingOptions.Seed));
            var path = p.GetValue(output) ?? Path.Combine(".cache", "features", $"{key}-cnn.safetensors");
            if (p.GetValue(evaluateOnly)) return EvaluateOnly(registry, key, DataOptions(registration.OptionsType, p.GetValue(imageSize), "test"), p.GetValue(dataRoot)!, path, trainingOptions.BatchSize, stdout);
            using var test = TestSplit(registry, key, DataOptions(registration.OptionsType, p.GetValue(imageSize), "test"), p.GetValue(dataRoot)!, trainingOptions.Seed);
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
        var extractor = new CnnFeatureExtractor(new FeatureCnn(options), datasetKey) { TrainedImageSize = (int)source.SampleShape[^1] };
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
                // The judge's recognisable threshold τ, fixed once here: the confidence 90 % of the real test images reach.
                using var probabilities = FeatureCnnTrainer.ProbabilitiesOnAll(extractor.Network, heldOut.Pixels, training.BatchSize);
                double tau = JudgeMetrics.ThresholdFor(probabilities);
                metadata[CnnFeatureExtractor.ThresholdKey] = tau.ToString("R", CultureInfo.InvariantCulture);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Recognisable threshold τ = {tau:R}: {JudgeMetrics.RecognisablePercent(probabilities, tau):F2} % of the test images reach it"));
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
    private static ImageSet? TestSplit(ComponentRegistry registry, string key, object options, string dataRoot, long seed)
    {
        if (options is not ImageDataOptions) return null;
        try
        {
            return registry.Create<IDataSource>(ComponentKind.Dataset, key, options, new DatasetContext(dataRoot, seed)) as ImageSet;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Accuracy of saved weights on every image of the test split (the independent judge of guided samples must be
    /// checked on digits it never saw). Exit 2 when the file is not a CNN extractor or the data set has no test split.
    /// </summary>
    private static int EvaluateOnly(ComponentRegistry registry, string key, object testOptions, string dataRoot, string path, int batchSize, TextWriter stdout)
    {
        if (!File.Exists(path)) throw new UsageException($"{Path.GetFullPath(path)}: no such file (train it first, or pass --out)");
        using var test = TestSplit(registry, key, testOptions, dataRoot, 0)
                         ?? throw new UsageException($"'{key}' has no test split under {Path.GetFullPath(dataRoot)} (run: research data fetch {key})");
        if (test.Labels is not { } labels) throw new UsageException($"'{key}': the test split has no labels");
        using var extractor = CnnFeatureExtractor.Load(path);
        double accuracy = FeatureCnnTrainer.AccuracyOnAll(extractor.Network, test.Pixels, labels, batchSize);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFullPath(path)} ('{extractor.Name}'): accuracy on all {test.Count:N0} images of the {key} test split ({test.SampleShape[^1]}×{test.SampleShape[^1]}) {accuracy:P2}"));
        if (extractor.RecognisableThreshold is { } tau)
        {
            using var probabilities = FeatureCnnTrainer.ProbabilitiesOnAll(extractor.Network, test.Pixels, batchSize);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Recognisable threshold τ = {tau:R} (stored): {JudgeMetrics.RecognisablePercent(probabilities, tau):F2} % of the test images reach it; class KL from uniform {JudgeMetrics.ClassKl(probabilities):F4} nats"));
        }
        return ExitCodes.Ok;
    }

    /// <summary>Default options of the data set, with <paramref name="split"/> and, when given, <paramref name="imageSize"/> (image data sets only).</summary>
    private static object DataOptions(Type optionsType, int? imageSize, string split)
    {
        var options = Activator.CreateInstance(optionsType)!;
        if (options is ImageDataOptions image)
        {
            if (imageSize is { } size) image.ImageSize = size;
            return split == "test" ? image.HeldOut() : image;
        }
        else if (imageSize is not null) throw new UsageException("--image-size needs an image data set");
        return options;
    }
}
