using Research.Core.Configuration;
using Research.Evaluation.Metrics;

namespace Research.Evaluation.Reports;

/// <summary>
/// The evaluations of one sweep variant and sampling request over its seeds, e.g. <c>t4_seed=1</c>, <c>t4_seed=2</c>,
/// <c>t4_seed=3</c> under <c>trained chain</c>: the row a held-out claim rests on (mean ± sd of seeds 1–3).
/// </summary>
/// <param name="Variant">The point id without its seed part (<see cref="SweepPointIds.WithoutSeed"/>).</param>
/// <param name="Eval">The sampling request's label.</param>
/// <param name="Runs">The member evaluations, in ascending seed order.</param>
public sealed record SeedGroup(string Variant, string Eval, IReadOnlyList<RunResult> Runs)
{
    /// <summary>The members' recorded seeds, ascending (an unseeded run is a group of its own with none).</summary>
    public IReadOnlyList<long> Seeds => Runs.Select(r => r.Seed).OfType<long>().ToList();

    /// <summary>NFE when every member recorded the same value, else null.</summary>
    public int? Nfe => Runs.Select(r => r.Nfe).Distinct().Count() == 1 ? Runs[0].Nfe : null;

    /// <summary>Milliseconds per 1,000 samples over the members that recorded it, or null.</summary>
    public SeedStatistic? MsPer1000 => Of(Runs.Select(r => r.MsPer1000));

    /// <summary>Metric <paramref name="key"/> over the members that measured it, or null when none did.</summary>
    public SeedStatistic? Metric(string key) => Of(Runs.Select(r => r.Metric(key)));

    /// <summary>
    /// The group as one result: method = <see cref="Variant"/>, every metric and the time at their mean over the members
    /// that have them, string notes of the first member, no seed. For drawing; tables use <see cref="Metric"/>.
    /// </summary>
    public RunResult MeanResult()
    {
        var keys = Runs.SelectMany(r => r.Metrics.Keys).Distinct(StringComparer.Ordinal);
        var means = keys.ToDictionary(k => k, k => Metric(k)!.Value.Mean, StringComparer.Ordinal);
        return new RunResult(Runs[0].RunFolder, Variant, Eval, Nfe, MsPer1000?.Mean, Runs[0].Step, means, Runs[0].Notes);
    }

    /// <summary>
    /// Groups <paramref name="results"/> by (variant, sampling request), in order of first appearance. A run without a
    /// recorded seed stays a group of its own under its full name. Two runs of one group with the same seed (the same
    /// point evaluated in two folders) are an error: averaging them would count one seed twice. The exception is one
    /// measurement recorded by several runs: every point of a sweep writes the same real-data row (the first n training
    /// images scored with the seed's KID subsets, whatever the variant), so a member equal to its twin in request, NFE,
    /// every metric and every note is that one measurement, kept once.
    /// </summary>
    public static IReadOnlyList<SeedGroup> Aggregate(IReadOnlyList<RunResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var order = new List<GroupKey>();
        var members = new Dictionary<GroupKey, List<RunResult>>();
        foreach (var r in results)
        {
            var key = r.Seed is { } seed ? new GroupKey(SweepPointIds.WithoutSeed(r.Method, seed), r.Eval, null) : new GroupKey(r.Method, r.Eval, r.RunFolder);
            if (!members.TryGetValue(key, out var list))
            {
                members[key] = list = [];
                order.Add(key);
            }
            if (r.Seed is not null && list.FirstOrDefault(m => m.Seed == r.Seed) is { } twin)
            {
                if (SameMeasurement(twin, r)) continue;
                throw new InvalidDataException(
                    $"{twin.RunFolder} and {r.RunFolder} are both seed {r.Seed} of '{key.Variant}' ({r.Eval}) with different values: averaging them would count one seed twice; pass only one.");
            }
            list.Add(r);
        }
        return order.Select(k => new SeedGroup(k.Variant, k.Eval, members[k].OrderBy(r => r.Seed).ToList())).ToList();
    }

    // Equal request, NFE, metrics (NaN equal to NaN) and notes: the training step, folder and time may differ.
    private static bool SameMeasurement(RunResult a, RunResult b) =>
        a.Eval == b.Eval && a.Nfe == b.Nfe
        && a.Metrics.Count == b.Metrics.Count && a.Metrics.All(p => b.Metrics.TryGetValue(p.Key, out var v) && v.Equals(p.Value))
        && a.Notes.Count == b.Notes.Count && a.Notes.All(p => b.Notes.TryGetValue(p.Key, out var v) && v == p.Value);

    /// <summary>An unseeded run is keyed by its folder too, so it is never merged with another.</summary>
    private readonly record struct GroupKey(string Variant, string Eval, string? UnseededFolder);

    private static SeedStatistic? Of(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        return present.Count == 0 ? null : SeedStatistic.Of(present);
    }

    /// <summary>Modes covered as "25/25" when every member covered the same count, else "mean ± sd of N".</summary>
    public string? Modes()
    {
        if (Metric(MetricKeys.ModesCovered) is not { } covered) return null;
        var total = Metric(MetricKeys.NumModes);
        var of = total is { } t ? FormattableString.Invariant($"{t.Mean:0}") : null;
        if (covered.Sd == 0) return of is null ? FormattableString.Invariant($"{covered.Mean:0}") : FormattableString.Invariant($"{covered.Mean:0}/{of}");
        var spread = covered.ToString("0.0", null);
        return of is null ? spread : $"{spread} of {of}";
    }
}
