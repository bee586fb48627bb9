using Research.Core.Data;
using SkiaSharp;

namespace Research.Data.Images;

/// <summary>
/// What the image datasets can say before loading (<see cref="DataDescription"/> from the options) and after reading only
/// their files' headers (<see cref="DataProbe"/>): image sizes, channels, classes, and every file that a run would fail on,
/// named. Messages start with the option key they concern (<c>root</c>, <c>image_size</c>), reported under <c>data.options</c>.
/// </summary>
public static class ImageProbes
{
    /// <summary>MNIST-format data: one channel, 10 classes; the side is <c>image_size</c>, or the files' own when it is 0.</summary>
    public static DataDescription DescribeMnist(MnistOptions o) => new(o.ImageSize > 0 ? [1, o.ImageSize, o.ImageSize] : null, 10);

    /// <summary>StackedMNIST: three channels of <c>image_size</c> (the files' own when 0), 1000 classes (modes).</summary>
    public static DataDescription DescribeStackedMnist(StackedMnistOptions o) =>
        new(o.ImageSize > 0 ? [3, o.ImageSize, o.ImageSize] : null, StackedMnistDataset.NumModes);

    /// <summary>StackedMNIST: the MNIST files' headers (<see cref="ProbeMnist"/> on the MNIST folder), stacked to three channels.</summary>
    public static DataProbe ProbeStackedMnist(StackedMnistOptions o, DatasetContext c)
    {
        var probe = ProbeMnist(MnistDataset.MnistKey, o.ToMnistOptions(), c);
        var shape = probe.Description.SampleShape is { } s ? new[] { 3L, s[1], s[2] } : null;
        return probe with { Description = new(shape, StackedMnistDataset.NumModes) };
    }

    /// <summary>CIFAR-10: 3×32×32 (or <c>image_size</c>), 10 classes.</summary>
    public static DataDescription DescribeCifar10(Cifar10Options o) => new([3, o.ImageSize > 0 ? o.ImageSize : 32, o.ImageSize > 0 ? o.ImageSize : 32], 10);

    /// <summary>An image folder: <c>channels</c>×<c>image_size</c>²; classes known only from its subfolders.</summary>
    public static DataDescription DescribeFolder(ImageFolderOptions o) => new([o.Channels, o.ImageSize, o.ImageSize], o.LabelsFromSubfolders ? null : 0);

    /// <summary>Synthetic images: exactly as configured.</summary>
    public static DataDescription DescribeSynthetic(SyntheticImagesOptions o) => new([o.Channels, o.ImageSize, o.ImageSize], o.NumClasses);

    /// <summary>The idx headers of the split: the native size (when <c>image_size</c> is 0) and whether padding fits.</summary>
    public static DataProbe ProbeMnist(string key, MnistOptions o, DatasetContext c)
    {
        var root = o.ResolveRoot(c.DataRoot, key);
        var (imagesName, _) = MnistDataset.FileNames(o.Split);
        var path = new[] { imagesName + ".gz", imagesName }.Select(n => Path.Combine(root, n)).FirstOrDefault(File.Exists);
        if (path is null)
            return new(DescribeMnist(o), [], [$"root: {Path.GetFullPath(Path.Combine(root, imagesName + ".gz"))} not found (nor {imagesName}): " +
                                              $"run `research data fetch {key} --root {c.DataRoot}` or point data.options.root at the idx files"]);
        int[] dims;
        try
        {
            dims = IdxFile.ReadDimensions(path, IdxFile.ImagesMagic);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return new(DescribeMnist(o), [$"root: {e.Message}"], []);
        }
        int rows = dims[1], cols = dims[2];
        var side = o.ImageSize > 0 ? o.ImageSize : rows;
        var problems = new List<string>();
        if (o.ImageSize == 0 && rows != cols)
            problems.Add($"image_size: {Path.GetFullPath(path)}: images are {rows}×{cols}, not square: set image_size");
        else if (SizeProblem(o.Resize, rows, cols, o.ImageSize, Path.GetFullPath(path)) is { } p)
            problems.Add(p);
        return new(new([1, side, side], 10), problems, []);
    }

    /// <summary>Every file's header: decodable, and (for <c>pad</c>) not larger than <c>image_size</c>; the classes from subfolders.</summary>
    public static DataProbe ProbeFolder(ImageFolderOptions o, DatasetContext c)
    {
        string root;
        List<string> files, classes;
        try
        {
            (root, files, classes) = ImageFolderDataset.List(o, c.DataRoot);
        }
        catch (DirectoryNotFoundException e)
        {
            return new(DescribeFolder(o), [], [$"root: {e.Message}"]);
        }
        catch (FileNotFoundException e)
        {
            return new(DescribeFolder(o), [$"root: {e.Message}"], []);
        }
        var problems = new List<string>();
        foreach (var file in files)
        {
            var path = Path.Combine(root, file);
            using var codec = SKCodec.Create(path);
            if (codec is null) problems.Add($"root: {path}: byte 0: not a decodable PNG or JPEG image");
            else if (SizeProblem(o.Resize, codec.Info.Height, codec.Info.Width, o.ImageSize, path) is { } p) problems.Add(p);
            if (problems.Count >= 10)
            {
                problems.Add($"root: {root}: stopped after 10 problems ({files.Count} images)");
                break;
            }
        }
        return new(DescribeFolder(o) with { NumClasses = classes.Count }, problems, []);
    }

    private static string? SizeProblem(string resize, long h, long w, int size, string path) =>
        resize == "pad" && size > 0 && (h > size || w > size)
            ? $"image_size: {path}: cannot pad a {h}×{w} image to {size}×{size}: choose resize or center-crop, or a larger image_size"
            : null;
}
