using TorchSharp;
using static TorchSharp.torch;

namespace Research.Data.Images;

/// <summary>
/// MNIST and Fashion-MNIST from their idx files (<c>train-images-idx3-ubyte[.gz]</c>, <c>train-labels-idx1-ubyte[.gz]</c>,
/// <c>t10k-…</c> for the test split). 10 classes; 1 channel; padded to 32×32 by default (<see cref="MnistOptions"/>).
/// </summary>
public static class MnistDataset
{
    /// <summary>Key of MNIST.</summary>
    public const string MnistKey = "mnist";

    /// <summary>Key of Fashion-MNIST.</summary>
    public const string FashionKey = "fashion-mnist";

    /// <summary>Standard file names (without .gz) of a split: images, labels.</summary>
    public static (string Images, string Labels) FileNames(string split) => split == "test"
        ? ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
        : ("train-images-idx3-ubyte", "train-labels-idx1-ubyte");

    /// <summary>Loads the split named by <paramref name="options"/> from <c>root</c> (or <c>dataRoot/key</c>).</summary>
    public static ImageSet Create(string key, MnistOptions options, string dataRoot)
    {
        options.ThrowIfInvalid(key);
        var root = options.ResolveRoot(dataRoot, key);
        var (imagesName, labelsName) = FileNames(options.Split);
        var imagesPath = Locate(root, imagesName, key, dataRoot);
        var labelsPath = Locate(root, labelsName, key, dataRoot);
        var images = IdxFile.Read(imagesPath, IdxFile.ImagesMagic);
        var labels = IdxFile.Read(labelsPath, IdxFile.LabelsMagic);
        if (images.Count != labels.Count)
            throw new InvalidDataException($"{labelsPath}: byte 4: {labels.Count} labels for {images.Count} images in {imagesPath}");
        for (int i = 0; i < labels.Data.Length; i++)
            if (labels.Data[i] > 9) throw new InvalidDataException($"{labelsPath}: byte {8 + i}: label {labels.Data[i]} is not a class 0–9");
        int n = options.Limit > 0 ? Math.Min(options.Limit, images.Count) : images.Count;
        int rows = images.Dimensions[1], cols = images.Dimensions[2];
        using var scope = NewDisposeScope();
        var pixels = tensor(images.Data.AsSpan(0, n * rows * cols).ToArray(), [n, 1, rows, cols], ScalarType.Byte);
        var y = tensor(labels.Data.AsSpan(0, n).ToArray().Select(b => (long)b).ToArray(), [n]);
        var sized = ImageResize.ToSquare(pixels, options.ImageSize, options.Resize, imagesPath);
        return new ImageSet(key, sized, y, 10, options.Flip);
    }

    private static string Locate(string root, string name, string key, string dataRoot)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(root, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException(
            $"{Path.Combine(root, name + ".gz")} not found (nor {name}): run `research data fetch {key} --root {dataRoot}` " +
            $"or point data.options.root at a folder holding the idx files", Path.Combine(root, name + ".gz"));
    }
}
