using System.Runtime.InteropServices;
using Research.Training.Progress;

namespace Research.Training.Runs;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM for the whole process. While long work runs inside <see cref="Cooperate"/>, the first signal
/// only sets <see cref="Token"/>: the training loop finishes its step, writes a checkpoint at it and stops, the run's
/// <c>run.json</c> says <c>interrupted</c>, and the command exits with <see cref="ExitCode"/> (130). A second signal, or any
/// signal outside <see cref="Cooperate"/>, ends the process at once with 130, writing nothing (the cursor is shown again).
/// </summary>
public sealed class Interruption : IDisposable
{
    /// <summary>The exit code of a process stopped by a signal (128 + SIGINT's 2, as shells report Ctrl-C).</summary>
    public const int ExitCode = 130;

    private readonly CancellationTokenSource _cts = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _cooperating, _signals;
    private volatile string? _signal;

    private Interruption() { }

    /// <summary>Set by the first signal while work cooperates.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The signal that stopped the work (<c>SIGINT</c>, <c>SIGTERM</c>), or null.</summary>
    public string? Signal => _signal;

    /// <summary>True once a signal asked the work to stop.</summary>
    public bool Requested => _cts.IsCancellationRequested;

    /// <summary>Called on the signal's thread just before a second signal ends the process (e.g. stop the children).</summary>
    public event Action? Exiting;

    /// <summary>Catches SIGINT and SIGTERM until disposed (a platform without them: nothing is caught).</summary>
    /// <param name="ignoreSigint">Leave SIGINT to the parent (a sweep's worker: Ctrl-C reaches the whole process group, and
    /// the sweep forwards SIGTERM to its workers itself).</param>
    public static Interruption Install(bool ignoreSigint = false)
    {
        var i = new Interruption();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                i._registrations.Add(PosixSignalRegistration.Create(signal, c =>
                {
                    c.Cancel = true;
                    if (ignoreSigint && c.Signal == PosixSignal.SIGINT) return;
                    i.OnSignal(c.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM");
                }));
            }
            catch (PlatformNotSupportedException)
            {
                // No such signal here: the default handling stays.
            }
        }
        return i;
    }

    /// <summary>
    /// Marks long work that checks <see cref="Token"/> (training, sampling, a sweep) until disposed: the first signal then
    /// asks it to stop instead of ending the process.
    /// </summary>
    public IDisposable Cooperate()
    {
        Interlocked.Increment(ref _cooperating);
        return new Scope(this);
    }

    /// <summary>What a signal does (public for tests, which cannot send one to their own host safely).</summary>
    public void OnSignal(string signal)
    {
        int n = Interlocked.Increment(ref _signals);
        if (n == 1 && Volatile.Read(ref _cooperating) > 0)
        {
            _signal = signal;
            try
            {
                StatusConsole.WriteLine(Console.Error, $"{signal}: stopping after the current step (training writes a checkpoint at it); again to stop at once");
            }
            catch (IOException)
            {
                // No terminal to tell.
            }
            _cts.Cancel();
            return;
        }
        _signal ??= signal;
        try
        {
            Exiting?.Invoke();
        }
        finally
        {
            StatusConsole.RestoreCursor();
            Environment.Exit(ExitCode);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _registrations.Clear();
        _cts.Dispose();
    }

    private sealed class Scope(Interruption owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref owner._cooperating);
        }
    }
}
