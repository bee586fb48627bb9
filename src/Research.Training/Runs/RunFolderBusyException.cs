namespace Research.Training.Runs;

/// <summary>
/// Another process holds the run folder's writer lock (<see cref="RunFolderLock"/>): a second <c>train --resume</c>,
/// <c>run-point</c> or run into the same folder is refused (the CLI's exit code 2) before it writes anything.
/// </summary>
public sealed class RunFolderBusyException(string folder, string? holder, Exception? inner = null) : IOException(
    $"{folder}: run folder in use by another writer ({holder ?? "holder unknown"}); one training process per run folder at a time. "
    + "Wait for it to end or stop it ('research eval' and 'research sample' can read the folder meanwhile).", inner)
{
    /// <summary>The run folder.</summary>
    public string Folder { get; } = folder;

    /// <summary>The holder as its <c>run.owner</c> names it (<c>pid N on host, since …</c>), or null.</summary>
    public string? Holder { get; } = holder;
}
