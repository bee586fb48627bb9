using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;
using Research.Core.Registry;
using Research.Core.Runtime;
using Research.Core.Schedules;

namespace Research.Core.Experiments;

/// <summary>
/// The root of an experiment file: one training run (data, backbone, schedule, parameterization,
/// training) plus the sampling requests and evaluation applied to it. Optional <see cref="Variants"/>
/// turn one file into several runs that differ in a few keys (each row of a comparison table).
/// </summary>
public sealed class ExperimentOptions : IValidatableOptions
{
    /// <summary>
    /// Preset files this one builds on, resolved relative to this file, applied in order before it.
    /// A string or an array of strings. Consumed by the loader; empty in the resolved configuration.
    /// </summary>
    public List<string> Extends { get; set; } = [];

    /// <summary>
    /// Plugin assemblies (paths relative to the file naming them, absolute once resolved) whose one
    /// <see cref="Plugins.IResearchPlugin"/> entry type registers more components. Only these are loaded.
    /// </summary>
    public List<string> Plugins { get; set; } = [];

    /// <summary>Run name: the run folder is <c>runs/&lt;utc&gt;-&lt;name&gt;</c>.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>Free text shown in <c>research validate</c> and the run log.</summary>
    public string Description { get; set; } = "";

    /// <summary>Master seed: parameter init, the training generator and the sampling generator derive from it.</summary>
    [Range(0, long.MaxValue)]
    public long Seed { get; set; }

    /// <summary><c>auto</c> (CUDA if available, else CPU), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>Deterministic kernels (libtorch's setDeterministicAlgorithms); a seeded CPU run repeats bit-identically.</summary>
    public bool Deterministic { get; set; } = true;

    /// <summary>Intra-op threads; 0 keeps libtorch's default.</summary>
    [Range(0, 1024)]
    public int Threads { get; set; }

    /// <summary>Training data (<c>data.type</c> is a registered dataset key).</summary>
    [Component(ComponentKind.Dataset)]
    public ComponentSpec Data { get; set; } = new() { Type = "gaussian-grid" };

    /// <summary>The shared network backbone every family builds its networks from.</summary>
    [Component(ComponentKind.Backbone)]
    public ComponentSpec Backbone { get; set; } = new() { Type = "mlp" };

    /// <summary>The one noise schedule (docs/methods.md §2).</summary>
    public ScheduleOptions Schedule { get; set; } = new();

    /// <summary>The family (<c>parameterization.type</c>: ddpm-eps, ddgan, siddm, …).</summary>
    [Component(ComponentKind.Parameterization)]
    public ComponentSpec Parameterization { get; set; } = new() { Type = "ddpm-eps" };

    /// <summary>The shared training loop's settings.</summary>
    public TrainingOptions Training { get; set; } = new();

    /// <summary>Sampling requests evaluated after training; each becomes one table row.</summary>
    public List<SamplingOptions> Sampling { get; set; } = [];

    /// <summary>How samples are evaluated.</summary>
    public EvaluationOptions Evaluation { get; set; } = new();

    /// <summary>
    /// Named variants: each is this file with its <c>set</c> object layered on top (arrays replace whole).
    /// Empty = a single run named <see cref="Name"/>.
    /// </summary>
    public List<VariantOptions> Variants { get; set; } = [];

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (!DeviceSpec.TryParse(Device, out _))
            yield return $"device: '{Device}' is not one of auto, cpu, cuda, cuda:N";
        if (Name.Length > 0 && Name.Any(c => !(char.IsLetterOrDigit(c) || c is '-' or '_' or '.')))
            yield return $"name: '{Name}' may hold only letters, digits, '-', '_' and '.' (it names the run folder)";
        for (int i = 0; i < Sampling.Count; i++)
        {
            var steps = Sampling[i].Steps;
            if (steps.Length == 0 || Schedule.Validate().Any() || Sampling[i].Validate().Any()) continue; // syntax errors are reported once, by the request
            string? problem = null;
            try { NoiseSchedule.SpaceTimesteps(Schedule.NumTimesteps, steps); }
            catch (ArgumentException e) { problem = e.Message; }
            if (problem != null) yield return $"sampling[{i}].steps: '{steps}' cannot respace T={Schedule.NumTimesteps}: {problem}";
        }
        if (Evaluation.Features.Enabled && Evaluation.ReferenceSplit == ReferenceSplit.Train
            && Evaluation.ReferenceImages >= 4 && Evaluation.ReferenceImages <= Evaluation.PrecisionRecallK)   // below 4: the range error
            yield return $"evaluation.reference_images: {Evaluation.ReferenceImages} reference images are too few for precision/recall with " +
                         $"k = {Evaluation.PrecisionRecallK} (at least {Evaluation.PrecisionRecallK + 1})";
        if (Evaluation.Features.Enabled)
            for (int i = 0; i < Sampling.Count; i++)
                if (Sampling[i].NumSamples <= Evaluation.PrecisionRecallK)
                    yield return $"sampling[{i}].num_samples: {Sampling[i].NumSamples} samples cannot be scored with evaluation.features " +
                                 $"(precision/recall with k = {Evaluation.PrecisionRecallK} needs at least {Evaluation.PrecisionRecallK + 1})";
        // Rows are labelled by DisplayLabel: two unlabelled requests clash only when they describe the same row.
        var dup = Sampling.GroupBy(s => s.DisplayLabel).FirstOrDefault(g => g.Count() > 1);
        if (dup != null) yield return $"sampling: label '{dup.Key}' is used twice";
        var dupV = Variants.GroupBy(v => v.Name).FirstOrDefault(g => g.Count() > 1);
        if (dupV != null) yield return $"variants: name '{dupV.Key}' is used twice";
    }
}
