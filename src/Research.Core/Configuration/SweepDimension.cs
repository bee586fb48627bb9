namespace Research.Core.Configuration;

/// <summary>
/// One dimension of a sweep: a <c>grid</c> key (one key) or the <c>zip</c> group (several keys stepped
/// together). <see cref="Values"/>[i][k] is the flattened value of key k at position i, re-rooted at the key.
/// </summary>
internal sealed record SweepDimension(IReadOnlyList<string> Keys, IReadOnlyList<IReadOnlyList<SweepValue>> Values);

/// <summary>One swept value: its display text (for point ids and tables) and its flattened entries.</summary>
internal sealed record SweepValue(string Display, IReadOnlyDictionary<string, string?> Entries);
