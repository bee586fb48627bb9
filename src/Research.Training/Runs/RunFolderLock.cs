using System.Globalization;
using Research.Core.IO;

namespace Research.Training.Runs;

/// <summary>
/// The one-writer lock of a run folder: <c>run.lock</c> opened with <see cref="FileShare.None"/> (an advisory <c>flock</c>
/// on Unix, a sharing lock on Windows) for as long as a training process has the folder open. The operating system
/// releases it when the process ends, however it ends (SIGKILL included), so a stale lock never needs clearing. The
/// holder's process id, machine and start time go to <c>run.owner</c> (informational, removed on release) so a refused
/// writer can name it. Readers (<c>research eval</c>, <c>sample</c>, <c>table</c>) take no lock.
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    /// <summary>The lock file's name inside the run folder (left in place: deleting a lock file races with its next holder).</summary>
    public const string FileName = "run.lock";

    /// <summary>The file naming the holder while the lock is held.</summary>
    public const string OwnerFileName = "run.owner";

    private readonly FileStream _stream;
    private readonly string _ownerPath;

    private RunFolderLock(FileStream stream, string ownerPath)
    {
        _stream = stream;
        _ownerPath = ownerPath;
    }

    /// <summary>Takes the lock of <paramref name="folder"/> (an existing folder), or throws <see cref="RunFolderBusyException"/>.</summary>
    public static RunFolderLock Acquire(string folder)
    {
        folder = Path.GetFullPath(folder);
        var path = Path.Combine(folder, FileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException) && File.Exists(path))
        {
            throw new RunFolderBusyException(folder, ReadOwner(folder), e);
        }
        var owner = Path.Combine(folder, OwnerFileName);
        try
        {
            AtomicFile.WriteAllText(owner, string.Create(CultureInfo.InvariantCulture,
                $"pid {Environment.ProcessId} on {Environment.MachineName}, since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC\n"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a name for error messages; a full disk is reported by the run's first real write.
        }
        return new RunFolderLock(stream, owner);
    }

    /// <summary>The holder as <c>run.owner</c> names it, or null when unknown.</summary>
    public static string? ReadOwner(string folder)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(folder, OwnerFileName)).Trim();
            return text.Length > 0 ? text : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Removes <c>run.owner</c>, then releases the lock.</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(_ownerPath);   // still held: no next holder's file can be deleted
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        _stream.Dispose();
    }
}
