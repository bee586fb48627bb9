namespace Research.Core.Configuration;

/// <summary>
/// One flattened configuration value (as the JSON provider writes it: numbers and booleans as text,
/// JSON null and <c>{}</c> as null, <c>[]</c> as empty) with its origin and the layer that set it.
/// </summary>
internal readonly record struct ConfigEntry(string? Value, KeyOrigin Origin, int Layer = 0);
