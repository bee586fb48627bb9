using Research.Data.Images;
using Research.Evaluation.Features;
using static TorchSharp.torch;

namespace Research.IntegrationTests;

/// <summary>Writes tiny 8×8 MNIST-format files (striped digits, labels i mod 10) under <c>&lt;dataRoot&gt;/mnist</c>.</summary>
public static class TinyMnist
{
    /// <summary>The training split of <paramref name="n"/> images; with <paramref name="testImages"/> &gt; 0 also a test split.</summary>
    public static void Write(string dataRoot, int n = 20, int testImages = 0)
    {
        var folder = Directory.CreateDirectory(Path.Combine(dataRoot, "mnist")).FullName;
        WriteSplit(folder, "train", n);
        if (testImages > 0) WriteSplit(folder, "t10k", testImages);
    }

    private static void WriteSplit(string folder, string prefix, int n)
    {
        var pixels = new byte[n * 64];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < 64; p++) pixels[i * 64 + p] = (byte)((p / 8 + p % 8 + i) % 10 < 5 ? 230 : 20);   // stripes
        IdxFile.Write(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"), [n, 8, 8], pixels);
        IdxFile.Write(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"), [n], Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray());
    }

    /// <summary>A random 1-channel feature CNN (width 16, 8 features) saved under <paramref name="dir"/> as <c>research train-features</c> would.</summary>
    public static string FeatureFile(string dir, long seed)
    {
        manual_seed(seed);
        using var extractor = new CnnFeatureExtractor(new FeatureCnn(new FeatureCnnOptions { Width = 16, FeatureDim = 8 }), "mnist");
        var path = Path.Combine(dir, "features", "mnist-cnn.safetensors");
        extractor.Save(path);
        return path;
    }
}
