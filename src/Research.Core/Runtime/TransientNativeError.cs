using System.Runtime.InteropServices;

namespace Research.Core.Runtime;

/// <summary>
/// Recognises the rare libtorch failure on a temporary <c>Scalar</c> that TorchSharp 0.107 creates for an argument
/// (the implicit <c>alpha = 1</c> of <c>a + b</c>, <c>x * 0.5</c>) and leaves to the garbage collector: if the
/// finalizer frees it while libtorch still reads it, the op throws from <c>c10/core/Scalar.h</c> ("Expected false to be
/// true … toFloat", "Unknown scalar type … type", "… toDouble"). The operation failed before writing anything, and a run
/// that resumes from its last checkpoint continues bit-exactly (docs/toolchain.md, "Rare libtorch errors on a Scalar
/// argument").
/// </summary>
public static class TransientNativeError
{
    /// <summary>Whether <paramref name="error"/> is libtorch's error on a freed temporary Scalar.</summary>
    public static bool Is(Exception error) =>
        error is ExternalException && error.Message.Contains("c10/core/Scalar.h", StringComparison.Ordinal);
}
