using Research.Core.Experiments;
using Research.Core.Registry;

namespace Research.Core.Configuration;

/// <summary>Binds and validates one merged configuration, mapping every error to the file its key came from.</summary>
internal static class RunBinder
{
    /// <summary>
    /// The bound options and every error. Validation errors at or below a path that already failed to
    /// bind are dropped (they would only describe the default left in its place).
    /// </summary>
    public static (ExperimentOptions Options, List<ConfigError> Errors) Bind(MergedConfig merged, string fallbackSource, ComponentRegistry registry)
    {
        var binder = new StrictBinder(registry);
        var options = binder.Bind<ExperimentOptions>(merged.Root);
        var failed = binder.Errors.Select(e => e.Path).ToList();
        var problems = binder.Errors
            .Concat(OptionsValidator.Validate(options, registry).Where(e => !failed.Any(f => IsAtOrUnder(e.Path, f))))
            .Select(e => merged.ErrorAt(e.Path, e.Message, fallbackSource))
            .Distinct()
            .ToList();
        return (options, problems);
    }

    private static bool IsAtOrUnder(string path, string prefix) =>
        path == prefix || path.StartsWith(prefix + ".", StringComparison.Ordinal) || path.StartsWith(prefix + "[", StringComparison.Ordinal);
}
