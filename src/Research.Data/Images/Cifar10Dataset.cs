using TorchSharp;
using static TorchSharp.torch;

namespace Research.Data.Images;

/// <summary>
/// CIFAR-10 from the binary batches (Krizhevsky 2009; <c>cifar-10-binary.tar.gz</c>): records of 1 label byte and
/// 3 × 1024 pixel bytes (R, G, B planes, row-major 32×32). Train = <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c>,
/// test = <c>test_batch.bin</c>, found in <c>root</c> or <c>root/cifar-10-batches-bin</c>.
/// </summary>
public static class Cifar10Dataset
{
    /// <summary>Dataset key.</summary>
    public const string Key = "cifar10";

    /// <summary>Bytes per record: label + 32·32·3 pixels.</summary>
    public const int RecordBytes = 1 + 3072;

    /// <summary>The batch files of a split, in order.</summary>
    public static IReadOnlyList<string> FileNames(string split) => split == "test"
        ? ["test_batch.bin"]
        : [.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin")];

    /// <summary>Loads the split named by <paramref name="options"/>.</summary>
    public static ImageSet Create(Cifar10Options options, string dataRoot)
    {
        options.ThrowIfInvalid(Key);
        var root = options.ResolveRoot(dataRoot, Key);
        var folder = File.Exists(Path.Combine(root, FileNames(options.Split)[0])) ? root : Path.Combine(root, "cifar-10-batches-bin");
        var pixels = new List<byte>();
        var labels = new List<long>();
        foreach (var name in FileNames(options.Split))
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path} not found: run `research data fetch cifar10 --root {dataRoot}` " +
                                                "or extract cifar-10-binary.tar.gz into that folder", path);
            ReadBatch(path, pixels, labels);
            if (options.Limit > 0 && labels.Count >= options.Limit) break;
        }
        int n = options.Limit > 0 ? Math.Min(options.Limit, labels.Count) : labels.Count;
        using var scope = NewDisposeScope();
        var x = tensor(pixels.GetRange(0, n * 3072).ToArray(), [n, 3, 32, 32], ScalarType.Byte);
        var y = tensor(labels.GetRange(0, n).ToArray(), [n]);
        var sized = ImageResize.ToSquare(x, options.ImageSize, options.Resize, folder);
        return new ImageSet(Key, sized, y, 10, options.Flip);
    }

    /// <summary>Appends one batch file's pixels and labels; throws <see cref="InvalidDataException"/> naming file and offset.</summary>
    public static void ReadBatch(string path, List<byte> pixels, List<long> labels)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0) throw new InvalidDataException($"{path}: byte 0: empty file");
        if (bytes.Length % RecordBytes != 0)
        {
            long last = bytes.Length / RecordBytes * RecordBytes;
            throw new InvalidDataException($"{path}: byte {last}: truncated record ({bytes.Length - last} of {RecordBytes} bytes): the file should hold whole 3073-byte records");
        }
        for (long offset = 0; offset < bytes.Length; offset += RecordBytes)
        {
            byte label = bytes[offset];
            if (label > 9) throw new InvalidDataException($"{path}: byte {offset}: label {label} is not a class 0–9: not a CIFAR-10 binary batch?");
            labels.Add(label);
            pixels.AddRange(bytes.AsSpan((int)offset + 1, 3072).ToArray());
        }
    }
}
