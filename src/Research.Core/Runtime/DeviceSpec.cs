using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Runtime;

/// <summary>Parses and resolves the <c>device</c> option: <c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>.</summary>
public static class DeviceSpec
{
    /// <summary>
    /// Whether this build can run on CUDA at all: false for TorchSharp's CPU backend (the default <c>TorchBackend=cpu</c>),
    /// true for <c>-p:TorchBackend=cuda-linux</c> or <c>cuda-windows</c> (which may still find no device at run time).
    /// </summary>
    public static bool BuildHasCuda =>
#if TORCH_CPU_BACKEND
        false;
#else
        true;
#endif

    /// <summary>Checks the syntax only (no CUDA query), so validation needs no native library.</summary>
    public static bool TryParse(string spec, out (DeviceType? Type, int Index) parsed)
    {
        parsed = default;
        switch (spec)
        {
            case "auto": parsed = (null, -1); return true;
            case "cpu": parsed = (DeviceType.CPU, -1); return true;
            case "cuda": parsed = (DeviceType.CUDA, 0); return true;
        }
        if (spec.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(spec.AsSpan(5), out var i) && i >= 0
            && spec.Length == 5 + i.ToString().Length)
        {
            parsed = (DeviceType.CUDA, i);
            return true;
        }
        return false;
    }

    /// <summary>The device to use; <c>cuda</c> on a machine without CUDA throws with a clear message.</summary>
    public static Device Resolve(string spec)
    {
        if (!TryParse(spec, out var p)) throw new ArgumentException($"device '{spec}' is not one of auto, cpu, cuda, cuda:N");
        if (p.Type is null) return cuda.is_available() ? torch.CUDA : torch.CPU;
        if (p.Type == DeviceType.CPU) return torch.CPU;
        if (!cuda.is_available())
            throw new InvalidOperationException($"device '{spec}' asked for CUDA, but no CUDA device is available (TorchSharp backend: build with -p:TorchBackend=cuda-windows or cuda-linux).");
        if (p.Index >= cuda.device_count())
            throw new InvalidOperationException($"device '{spec}': only {cuda.device_count()} CUDA device(s) present.");
        return new Device(DeviceType.CUDA, p.Index);
    }
}
