namespace Research.Core.Data;

/// <summary>
/// What a dataset found by reading the headers of its files (no pixels decoded, no tensor created): the refined
/// <see cref="DataDescription"/> and every problem, each a message starting with the option key it concerns
/// (<c>"root: /data/a.png: …"</c>, reported under <c>data.options</c>).
/// </summary>
/// <param name="Description">The data as the files describe them.</param>
/// <param name="Problems">Messages, empty when the files are usable.</param>
/// <param name="Missing">Files or folders that are not there (same message form): an error for a run, a note for
/// <c>research validate</c> on a machine that has not fetched the data.</param>
public sealed record DataProbe(DataDescription Description, IReadOnlyList<string> Problems, IReadOnlyList<string> Missing)
{
    /// <summary>Usable files described by <paramref name="description"/>.</summary>
    public static DataProbe Ok(DataDescription description) => new(description, [], []);
}
