using System.Globalization;
using Research.Core.Data;
using Research.Core.Experiments;
using Research.Core.Registry;
using Research.Core.Runtime;

namespace Research.Core.Configuration;

/// <summary>
/// The checks that need more than one section: every sampling request against its family and the data's classes, the
/// family and the backbone against the data (<see cref="ComponentRegistration.CheckRun"/>,
/// <see cref="ComponentRegistration.CheckSampling"/>), and the device against what this build can run. What a run would
/// refuse after training is refused here, before any tensor exists.
/// </summary>
internal static class RunChecks
{
    /// <summary>The data as the dataset's options describe them; <see cref="DataDescription.Unknown"/> when they cannot.</summary>
    public static DataDescription Describe(ExperimentOptions o, ComponentRegistry registry) =>
        o.Data.Options is { } options && registry.TryGet(ComponentKind.Dataset, o.Data.Type, out var data) && data.DescribeData is { } describe
            ? describe(options)
            : DataDescription.Unknown;

    /// <summary>Every problem found with the data described by <paramref name="data"/>, by JSON path.</summary>
    public static List<PathError> Check(ExperimentOptions o, ComponentRegistry registry, DataDescription data)
    {
        var errors = new List<PathError>();
        if (DeviceSpec.TryParse(o.Device, out var device) && device.Type == TorchSharp.DeviceType.CUDA && !DeviceSpec.BuildHasCuda)
            errors.Add(new PathError("device", $"'{o.Device}' needs CUDA, but this build has TorchSharp's CPU backend; use \"cpu\" or " +
                                               "\"auto\", or build with -p:TorchBackend=cuda-linux (or cuda-windows)"));
        var facts = new RunFacts(o, data);
        registry.TryGet(ComponentKind.Parameterization, o.Parameterization.Type, out var family);
        if (family?.CheckRun is { } checkFamily && o.Parameterization.Options is { } familyOptions)
            errors.AddRange(checkFamily(familyOptions, facts).Select(m => OptionsValidator.AtMessageKey("", m)));
        if (registry.TryGet(ComponentKind.Backbone, o.Backbone.Type, out var backbone) && backbone.CheckRun is { } checkBackbone
            && o.Backbone.Options is { } backboneOptions)
            errors.AddRange(checkBackbone(backboneOptions, facts).Select(m => OptionsValidator.AtMessageKey("", m)));
        if (o.Evaluation.Features.Enabled && data.SampleShape is { Length: not 3 } shape)
            errors.Add(new PathError("evaluation.features.type",
                $"'{o.Evaluation.Features.Type}': only image data are scored with a feature extractor ('{o.Data.Type}' gives samples of shape " +
                $"[{string.Join(", ", shape)}]); leave type empty"));
        if (o.Evaluation.ModeCount.Enabled && ModeCountDataProblem(data) is { } modeProblem)
            errors.Add(new PathError("evaluation.mode_count.enabled", $"'{o.Data.Type}' {modeProblem}: the mode count needs StackedMNIST-like " +
                                                                      "data (three channels, one digit each; 1000 classes), e.g. data.type \"stacked-mnist\""));

        for (int i = 0; i < o.Sampling.Count; i++)
        {
            var request = o.Sampling[i];
            if (request.Validate().Any()) continue;                     // its syntax errors are reported once, by the request
            var path = ConfigKeys.Item("sampling", i);
            foreach (var message in Labels(request, data)) errors.Add(OptionsValidator.AtMessageKey(path, message));
            if (family?.CheckSampling is { } checkSampling && o.Parameterization.Options is { } options)
                foreach (var message in checkSampling(options, request, facts)) errors.Add(OptionsValidator.AtMessageKey(path, message));
        }
        return errors;
    }

    // Where the data description already rules the mode count out (unknown shape or classes pass; the session checks again).
    private static string? ModeCountDataProblem(DataDescription data) =>
        data.SampleShape is { } shape && (shape.Length != 3 || shape[0] != 3) ? $"gives samples of shape [{string.Join(", ", shape)}]"
        : data.NumClasses is { } classes && classes != 1000 ? $"has {classes} classes"
        : null;

    // What every family's sampling needs of its labels: classes in the data, and an index among them.
    private static IEnumerable<string> Labels(SamplingOptions request, DataDescription data)
    {
        if (request.Labels.Length == 0 || data.NumClasses is not { } classes) yield break;
        if (classes == 0)
            yield return $"labels: '{request.Labels}' needs labelled data, but the data set has no classes";
        else if (int.TryParse(request.Labels, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c >= classes)
            yield return $"labels: class {c} is not among the data set's {classes} classes (0 … {classes - 1})";
    }
}
