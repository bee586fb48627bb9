namespace Research.Core.Configuration;

/// <summary>
/// One dimension of a sweep: a <c>grid</c> key (one key) or the <c>zip</c> group (several keys stepped
/// together). <see cref="Values"/>[i][k] is the value of key k at position i.
/// </summary>
internal sealed record SweepDimension(IReadOnlyList<string> Keys, IReadOnlyList<IReadOnlyList<SweepValue>> Values);

/// <summary>One swept value: its display text (for point ids and tables), the parsed key path and the value written there.</summary>
internal sealed record SweepValue(string Display, IReadOnlyList<ConfigPath.Segment> Segments, ConfigNode Value);
