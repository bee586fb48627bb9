using Research.Core.Configuration;
using Research.Core.Data;
using Research.Core.Experiments;
using Research.Core.Parameterizations;
using Research.Core.Registry;
using Research.Core.Runtime;
using Research.Core.Schedules;
using Research.Data.Images;
using Research.Evaluation.Images;
using Research.Training.Optimization;
using Research.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Loop;

/// <summary>Turns a validated configuration into a ready <see cref="TrainingSession"/>.</summary>
public static class SessionBuilder
{
    /// <summary>
    /// Builds data, schedule, family, optimizers and EMAs. Seeds the global generator once, right before
    /// the networks are constructed (TorchSharp's initialisers take no generator); all later randomness
    /// comes from the session's explicit generators.
    /// </summary>
    /// <param name="o">The validated options.</param>
    /// <param name="resolvedJson">Their resolved JSON (stored in checkpoints).</param>
    /// <param name="registry">The registered components.</param>
    /// <param name="dataRoot">Folder of downloaded data sets.</param>
    /// <param name="keySources">
    /// Where each key came from (<see cref="Core.Configuration.ResolvedRun.KeySources"/>), to name the file in errors about
    /// <c>evaluation.features</c>; without it they name <c>resolved configuration</c>.
    /// </param>
    /// <exception cref="ConfigException">The feature extractor's file is missing or unreadable, or does not fit the data; a
    /// <c>training.init</c> file is corrupt or does not fit its network.</exception>
    public static TrainingSession Build(ExperimentOptions o, string resolvedJson, ComponentRegistry registry, string dataRoot,
        IReadOnlyDictionary<string, string>? keySources = null)
    {
        TorchRuntime.Initialize(o.Deterministic, o.Threads > 0 ? o.Threads : null);
        NetworkInitializer.Check(o.Training.Init, keySources);   // every training.init file checked before anything is built
        string SourceOf(string key) => keySources?.GetValueOrDefault(key) ?? "resolved configuration";
        Device device;
        try
        {
            device = DeviceSpec.Resolve(o.Device);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // A CUDA build on a machine without (enough) devices: bad input for this machine, not a crash.
            throw new ConfigException([new ConfigError(SourceOf("device"), "device", e.Message)]);
        }
        var family = registry.Get(ComponentKind.Parameterization, o.Parameterization.Type);
        IDataSource data;
        try
        {
            data = registry.Create<IDataSource>(ComponentKind.Dataset, o.Data.Type, o.Data.Options!, new DatasetContext(dataRoot, o.Seed));
        }
        catch (ArgumentException e)
        {
            // Options the dataset refuses (validation reports them first; this keeps a plugin's own checks from crashing).
            throw new ConfigException([new ConfigError(SourceOf("data.type"), "data.options", e.Message)]);
        }
        NoiseSchedule? schedule = null;
        IParameterization? family_ = null;
        ImageEvaluator? images = null;
        StackedModeCount? modeCount = null;
        MixedPrecision? mixed = null;
        try
        {
            images = ImageScoring.Create(o, data, keySources, o.Data.Options is ImageDataOptions referenceData
                ? () => TestSplit(registry, o.Data.Type, referenceData, dataRoot, o.Seed)
                : null);
            modeCount = ModeScoring.Create(o, data, keySources);
            schedule = NoiseSchedule.Create(o.Schedule);
            torch.manual_seed(Seeds.Derive(o.Seed, Seeds.Init));
            using var initGen = new Generator((ulong)Seeds.Derive(o.Seed, Seeds.Init), device);
            var context = new BuildContext(schedule, new BackboneFactory(registry, o.Backbone), device, initGen)
            {
                SampleShape = data.SampleShape,
                NumClasses = data.NumClasses,
                InitializedNetworks = o.Training.Init.Keys.ToHashSet(),
            };
            try
            {
                family_ = registry.Create<IParameterization>(ComponentKind.Parameterization, o.Parameterization.Type, o.Parameterization.Options!, context);
            }
            catch (ArgumentException e)
            {
                // A family refusing this combination (unlabelled data for a classifier, a missing init, …) is bad input.
                throw new ConfigException([new ConfigError(keySources?.GetValueOrDefault("parameterization.type") ?? "resolved configuration",
                    "parameterization", e.Message)]);
            }
            var initialized = NetworkInitializer.Apply(family_.Networks, o.Training.Init, keySources);
            var optimizers = family_.Networks.ToDictionary(p => p.Key,
                p => OptimizerFactory.Create(p.Value, OptimizerFactory.OptionsFor(o.Training, p.Key)));
            // bf16: a second instance of the family becomes the low-precision working copy (built after the masters, so
            // their initialisation is that of an fp32 run; its own weights are overwritten by the masters').
            if (o.Training.Precision == "bf16")
            {
                var working = registry.Create<IParameterization>(ComponentKind.Parameterization, o.Parameterization.Type, o.Parameterization.Options!, context);
                try { mixed = new MixedPrecision(family_, working); }
                catch { working.Dispose(); throw; }
            }
            var emas = o.Training.Ema.Enabled
                ? family.EmaNetworks.ToDictionary(n => n, n => new Ema(family_.Networks[n]))
                : new Dictionary<string, Ema>();
            return new TrainingSession
            {
                Options = o, ResolvedJson = resolvedJson, Family = family, Data = data, Schedule = schedule,
                Parameterization = family_, Optimizers = optimizers, Emas = emas, Device = device, MixedPrecision = mixed,
                DataGenerator = new Generator((ulong)Seeds.Derive(o.Seed, Seeds.Data)),
                TrainGenerator = new Generator((ulong)Seeds.Derive(o.Seed, Seeds.Train), device),
                ImageEvaluator = images,
                ModeCount = modeCount,
                InitializedFrom = initialized,
                HeldOutFactory = o.Data.Options is ImageDataOptions { Split: "train" } imageOptions
                    ? () => TestSplit(registry, o.Data.Type, imageOptions, dataRoot, o.Seed)
                    : null,
            };
        }
        catch
        {
            images?.Dispose();
            modeCount?.Dispose();
            mixed?.Dispose();
            family_?.Dispose();
            schedule?.Dispose();
            data.Dispose();
            throw;
        }
    }

    /// <summary>The <c>test</c> split of an image data set configured with <c>train</c>, or null when its files are absent.</summary>
    private static IDataSource? TestSplit(ComponentRegistry registry, string key, ImageDataOptions train, string dataRoot, long seed)
    {
        try
        {
            return registry.Create<IDataSource>(ComponentKind.Dataset, key, train.HeldOut(), new DatasetContext(dataRoot, seed));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            return null;   // no usable test split: diagnostics fall back to training draws (their metrics then lack "diagnostics_data")
        }
    }
}
