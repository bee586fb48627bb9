using Research.Core.Data;
using Research.Core.Registry;

namespace Research.Core.Configuration;

/// <summary>
/// The last checks before a run creates anything: each dataset reads the headers of its files
/// (<see cref="ComponentRegistration.ProbeData"/>: image sizes, idx dimensions, class folders; no pixels, no tensor), and the
/// checks that depend on the data run again with what the files say. Problems are <see cref="ConfigError"/>s naming the
/// file of the key and, in the message, the data file.
/// </summary>
public static class DataPreflight
{
    /// <summary>Probes the data of every run (each distinct data section once) and collects every problem.</summary>
    /// <param name="runs">The resolved runs.</param>
    /// <param name="registry">The registered components.</param>
    /// <param name="dataRoot">Folder of downloaded data sets (<c>--data-root</c>).</param>
    /// <param name="missingIsError">False for <c>research validate</c>: data not fetched yet are reported by
    /// <paramref name="notes"/>, not as errors (the rest of the checks still run without them).</param>
    /// <param name="notes">Receives one line per missing file when <paramref name="missingIsError"/> is false.</param>
    /// <exception cref="ConfigException">With every problem found.</exception>
    public static void Check(IEnumerable<ResolvedRun> runs, ComponentRegistry registry, string dataRoot, bool missingIsError = true,
        ICollection<string>? notes = null)
    {
        var errors = new List<ConfigError>();
        foreach (var run in runs)
        {
            var o = run.Options;
            if (o.Data.Options is null || !registry.TryGet(ComponentKind.Dataset, o.Data.Type, out var dataset) || dataset.ProbeData is not { } probe)
                continue;
            var found = probe(o.Data.Options, new DatasetContext(dataRoot, o.Seed));
            var problems = found.Problems.AsEnumerable();
            if (missingIsError) problems = problems.Concat(found.Missing);
            else foreach (var m in found.Missing) notes?.Add($"{run.Name}: data.options.{m}");
            foreach (var message in problems)
                errors.Add(At(run, OptionsValidator.AtMessageKey("data.options", message)));
            if (found.Problems.Count == 0 && found.Missing.Count == 0)
                foreach (var e in OptionsValidator.ValidateAgainstData(o, registry, found.Description))
                    errors.Add(At(run, e with { Message = $"{e.Message} (the data files give samples of shape {found.Description.ShapeText}" +
                                                          $"{(found.Description.NumClasses is { } k ? $" and {k} classes" : "")})" }));
        }
        if (errors.Count > 0) throw new ConfigException(errors.Distinct().ToList());
    }

    // The file that wrote the key (or its closest written parent), as the loader names it.
    private static ConfigError At(ResolvedRun run, PathError e)
    {
        var sources = run.KeySources;
        for (var path = e.Path; path.Length > 0; path = Parent(path))
            if (sources.TryGetValue(path, out var source)) return new ConfigError(source, e.Path, e.Message);
        var under = sources.Keys.Where(k => k.StartsWith(e.Path + ".", StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault();
        var fallback = under is not null ? sources[under] : sources.GetValueOrDefault("name") ?? "resolved configuration";
        return new ConfigError(fallback, e.Path, e.Message);
    }

    private static string Parent(string path)
    {
        int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? "" : path[..cut];
    }
}
