using System.Runtime.InteropServices;
using TorchSharp;

namespace Research.Core.Runtime;

/// <summary>
/// Process-wide TorchSharp set-up, done once before the first tensor (docs/toolchain.md, "Start-up"):
/// glibc malloc tuning, NNPACK off (its warnings flood stderr on CPUs it does not support),
/// oneDNN (mkldnn) on (fast; its wrong results for channel counts that are not multiples of 16 are avoided by
/// <see cref="Layers.SafeConv2d"/>, docs/toolchain.md), optional deterministic algorithms and thread count, and
/// garbage collections only between steps (<see cref="GcGuard"/>).
/// </summary>
public static partial class TorchRuntime
{
    private static readonly object Gate = new();
    private static int? _defaultThreads;

    /// <summary>libtorch's intra-op thread count when this process first called <see cref="Initialize"/>; null before that.</summary>
    public static int? DefaultThreads { get { lock (Gate) return _defaultThreads; } }
    private static bool _mallocTuned;

    /// <summary>What <see cref="Initialize"/> did, for the run log.</summary>
    public static IReadOnlyList<string> Notes => _notes;
    private static readonly List<string> _notes = new();

    /// <summary>
    /// Idempotent. Call at start-up, before any tensor: malloc settings apply only to later allocations.
    /// </summary>
    /// <param name="deterministic">Ask libtorch for deterministic kernels (at::Context::setDeterministicAlgorithms).</param>
    /// <param name="threads">
    /// Intra-op threads; null: libtorch's default, the count this process had at its first call (<see cref="DefaultThreads"/>),
    /// set again, so a run that names no count gets the same one whether it runs after another run in this process (a
    /// sequential <c>research run</c>, a test host) or alone in a worker process.
    /// </param>
    public static void Initialize(bool deterministic = true, int? threads = null)
    {
        lock (Gate)
        {
            _defaultThreads ??= torch.get_num_threads();
            _notes.Clear();
            TuneMalloc();
            CallContext("NNPACK off", ctx => SetUserEnabledNnpack(ctx, false));
            // oneDNN on: its convolutions are 5-7x faster here than the native im2col kernels. libtorch 2.10's oneDNN gives
            // wrong or NaN results for 3x3 convolutions whose channel counts are not multiples of 16 on these AVX-512 CPUs;
            // and its bf16 1x1 convolutions are wrong for some channel counts too. Every convolution of ours is a Layers.SafeConv1d
            // or SafeConv2d, which pad channels to 16 where that is needed (Layers.ChannelPadding, SafeConvTests).
            CallContext("oneDNN on", ctx => SetUserEnabledMkldnn(ctx, true));
            CallContext(deterministic ? "deterministic algorithms on" : "deterministic algorithms off",
                ctx => SetDeterministicAlgorithms(ctx, deterministic, false));
            torch.set_num_threads(threads is > 0 ? threads.Value : _defaultThreads.Value);
            _notes.Add($"threads {torch.get_num_threads()}");
            GcGuard.Enable();
            _notes.Add($"collections only between steps (no-GC region of {GcGuard.BudgetBytes >> 20} MB)");
        }
    }

    /// <summary>
    /// glibc's default mmap threshold makes every large activation an mmap/munmap pair, which costs
    /// 1.6–2× on the UNet here. Raise the threshold and keep freed memory (docs/toolchain.md, "Start-up").
    /// </summary>
    private static void TuneMalloc()
    {
        if (_mallocTuned) { _notes.Add("malloc tuned"); return; }
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            const int M_TRIM_THRESHOLD = -1, M_TOP_PAD = -2, M_MMAP_THRESHOLD = -3;
            var ok = Mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1
                   & Mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1
                   & Mallopt(M_TOP_PAD, 256 << 20) == 1;
            _mallocTuned = true;
            _notes.Add(ok ? "malloc tuned" : "malloc tuning partly refused");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _notes.Add("malloc tuning unavailable (not glibc)");
        }
    }

    private static void CallContext(string what, Action<IntPtr> action)
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU); // loads libtorch before we resolve its symbols
            action(GlobalContext());
            _notes.Add(what);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // The Itanium-mangled entry points exist only in the Linux/macOS libtorch builds.
            _notes.Add($"{what}: not available on this platform ({e.GetType().Name})");
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int param, int value);

    [LibraryImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static partial IntPtr GlobalContext();

    [LibraryImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static partial void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static partial void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport("libtorch_cpu", EntryPoint = "_ZN2at7Context26setDeterministicAlgorithmsEbb")]
    private static partial void SetDeterministicAlgorithms(IntPtr context,
        [MarshalAs(UnmanagedType.U1)] bool enabled, [MarshalAs(UnmanagedType.U1)] bool warnOnly);
}
