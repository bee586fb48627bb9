using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using Research.Core.IO;
using Research.Data.Images;

namespace Research.Data.Fetch;

/// <summary>
/// Takes a dataset's canonical idx files from a Debian package (Fashion-MNIST: <c>dataset-fashion-mnist</c>, which ships
/// the official 60,000 / 10,000 split under <c>/usr/share/datasets/fashion-mnist/</c>). The package is fetched with
/// <c>apt-get download</c> and unpacked with <c>dpkg-deb -x</c> into a temporary folder, so no root is needed once the
/// package lists exist; as root, a missing list is fetched with <c>apt-get update</c>.
/// </summary>
/// <remarks>
/// Debian recompressed the published <c>.gz</c> files, so their MD5s differ from the published ones while the
/// decompressed bytes are the same. Each file is therefore checked by the SHA-256 of its decompressed bytes
/// (<see cref="Files"/>), its idx magic number and its item count; the hashes are those of the decompressed canonical
/// archives (whose .gz MD5s match the values Zalando publishes).
/// </remarks>
public static class DebianDatasetPackage
{
    /// <summary>One file of the package: name, idx magic, item count and SHA-256 of the decompressed bytes.</summary>
    public sealed record PackagedFile(string Name, int Magic, int Count, string DecompressedSha256);

    /// <summary>The Debian package holding <paramref name="dataset"/>, or null when there is none.</summary>
    public static string? PackageName(string dataset) => dataset == "fashion-mnist" ? "dataset-fashion-mnist" : null;

    /// <summary>The files the package must hold for <paramref name="dataset"/>.</summary>
    public static IReadOnlyList<PackagedFile> Files(string dataset) => dataset switch
    {
        "fashion-mnist" =>
        [
            new("train-images-idx3-ubyte.gz", IdxFile.ImagesMagic, 60_000, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            new("train-labels-idx1-ubyte.gz", IdxFile.LabelsMagic, 60_000, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            new("t10k-images-idx3-ubyte.gz", IdxFile.ImagesMagic, 10_000, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            new("t10k-labels-idx1-ubyte.gz", IdxFile.LabelsMagic, 10_000, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        ],
        _ => throw new ArgumentException($"no Debian package for '{dataset}'"),
    };

    /// <summary>
    /// Downloads and unpacks the package, checks every file and copies them (atomically) into <paramref name="folder"/>.
    /// Returns the package's <c>name=version</c>. Throws <see cref="DataFetchException"/> saying what to do when apt is
    /// missing or the package cannot be had, and <see cref="InvalidDataException"/> naming the file when a check fails
    /// (nothing is copied then).
    /// </summary>
    public static string Fetch(string dataset, string folder, TextWriter log)
    {
        var package = PackageName(dataset) ?? throw new DataFetchException($"{dataset}: no Debian package holds it");
        var temp = Directory.CreateTempSubdirectory("research-deb-").FullName;
        try
        {
            log.WriteLine($"  apt-get download {package} …");
            var download = Run("apt-get", ["download", package], temp, TimeSpan.FromMinutes(10));
            if (download.ExitCode != 0 && IsRoot())
            {
                log.WriteLine($"  apt-get download failed ({FirstLine(download.Stderr)}); running apt-get update as root …");
                Run("apt-get", ["update", "-qq"], temp, TimeSpan.FromMinutes(10));
                download = Run("apt-get", ["download", package], temp, TimeSpan.FromMinutes(10));
            }
            if (download.ExitCode != 0)
                throw new DataFetchException($"apt-get download {package} failed (exit {download.ExitCode}: {FirstLine(download.Stderr)})" +
                                             (IsRoot() ? "" : ". The package lists may be missing: run `sudo apt-get update`, then this command again"));
            var deb = Directory.GetFiles(temp, "*.deb").SingleOrDefault() ?? throw new DataFetchException($"apt-get download {package} wrote no .deb");
            var unpacked = Path.Combine(temp, "x");
            var extract = Run("dpkg-deb", ["-x", deb, unpacked], temp, TimeSpan.FromMinutes(5));
            if (extract.ExitCode != 0) throw new DataFetchException($"dpkg-deb -x {Path.GetFileName(deb)} failed (exit {extract.ExitCode}): {FirstLine(extract.Stderr)}");
            var source = Path.Combine(unpacked, "usr", "share", "datasets", dataset);
            Verify(dataset, source, log);
            foreach (var file in Files(dataset))
                AtomicFile.Write(Path.Combine(folder, file.Name), s => { using var f = File.OpenRead(Path.Combine(source, file.Name)); f.CopyTo(s); });
            return $"{package}={VersionFromDebName(deb)}";
        }
        finally
        {
            Directory.Delete(temp, true);
        }
    }

    /// <summary>
    /// Checks every file of <paramref name="dataset"/> in <paramref name="folder"/>: present, idx magic and count, and the
    /// SHA-256 of the decompressed bytes. Throws <see cref="InvalidDataException"/> naming the file at the first failure.
    /// </summary>
    public static void Verify(string dataset, string folder, TextWriter log)
    {
        foreach (var file in Files(dataset))
        {
            var path = Path.Combine(folder, file.Name);
            if (!File.Exists(path)) throw new InvalidDataException($"{path}: missing from the package");
            var idx = IdxFile.Read(path, file.Magic);
            if (idx.Count != file.Count) throw new InvalidDataException($"{path}: {idx.Count} items, expected {file.Count}");
            string sha;
            using (var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress)) sha = Convert.ToHexStringLower(SHA256.HashData(gz));
            if (sha != file.DecompressedSha256)
                throw new InvalidDataException($"{path}: decompressed SHA-256 {sha}, expected {file.DecompressedSha256} (not the canonical data)");
            log.WriteLine($"  {file.Name}: {idx.Count:N0} items, decompressed SHA-256 verified");
        }
    }

    private static string VersionFromDebName(string deb)
    {
        // apt names the file <package>_<version with ':' escaped as %3a>_<arch>.deb
        var parts = Path.GetFileNameWithoutExtension(deb).Split('_');
        return parts.Length == 3 ? Uri.UnescapeDataString(parts[1]) : "unknown";
    }

    private static bool IsRoot()
    {
        try
        {
            var uid = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return uid?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) == "0";
        }
        catch (IOException) { return false; }
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(l => l.StartsWith("E:", StringComparison.Ordinal))
        ?? text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no message";

    private static (int ExitCode, string Stderr) Run(string command, string[] args, string workingDirectory, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(command) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi) ?? throw new DataFetchException($"could not start {command}"); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DataFetchException($"{command} is not on PATH ({e.Message}): this source needs a Debian-based system; try --source canonical");
        }
        using (p)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(timeout))
            {
                p.Kill(entireProcessTree: true);
                throw new DataFetchException($"{command} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:0} s");
            }
            return (p.ExitCode, stderr.Result);
        }
    }
}
