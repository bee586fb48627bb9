using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Features;

/// <summary>
/// Identity of a network for cache keys: SHA-256 over a name, a version string (architecture and preprocessing) and
/// every parameter and buffer (key, dtype, shape, bytes) in key order. BatchNorm's <c>num_batches_tracked</c> is
/// skipped: it counts training steps and never changes an output.
/// </summary>
public static class ModelIdentity
{
    /// <summary>Lower-case hex SHA-256 of <paramref name="name"/>, <paramref name="version"/> and the weights of <paramref name="module"/>.</summary>
    public static string Hash(string name, string version, nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(module);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, name);
        Append(hash, version);
        foreach (var (key, value) in module.state_dict().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (key.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;
            Append(hash, key);
            Append(hash, value.dtype.ToString());
            Append(hash, string.Join(",", value.shape));
            using var cpu = value.detach().cpu().contiguous();
            hash.AppendData(cpu.bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        hash.AppendData(BitConverter.GetBytes(bytes.Length));
        hash.AppendData(bytes);
    }
}
