namespace Research.Core.Configuration;

/// <summary>
/// Thrown by <see cref="ExperimentLoader"/> with every problem found in a configuration at once
/// (reading, binding and validation), never just the first one.
/// </summary>
public sealed class ConfigException : Exception
{
    /// <summary>Wraps the collected errors; the message lists them all, one per line.</summary>
    public ConfigException(IReadOnlyList<ConfigError> errors) : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Every problem found, in discovery order.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    private static string Format(IReadOnlyList<ConfigError> errors) =>
        $"{errors.Count} configuration error{(errors.Count == 1 ? "" : "s")}:" + string.Concat(errors.Select(e => "\n  " + e));
}
