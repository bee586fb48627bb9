using System.Buffers.Binary;
using Research.Data.TwoD;
using Research.Evaluation.TwoD;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.TwoD;

public class ScatterPlotTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Test]
    public void Write_GridWithMissingModes_WritesPngOfTheRequestedSize()
    {
        using var real = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 2_000, Seed = 1 });
        using var samples = ImperfectSamples();
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "TwoD", "scatter-grid.png");
        if (File.Exists(path)) File.Delete(path);

        var written = ScatterPlot.Write(path, samples, real, "gaussian-grid: 23 of 25 modes, 200 strays",
            new ScatterPlotOptions { WidthPixels = 640, HeightPixels = 600 });
        TestContext.AddTestAttachment(written);

        var bytes = File.ReadAllBytes(written);
        Assert.That(bytes.Length, Is.GreaterThan(33));
        Assert.That(bytes.Take(8), Is.EqualTo(PngSignature));
        // First chunk: length 13, type IHDR, then big-endian width and height.
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8)), Is.EqualTo(13u));
        Assert.That(System.Text.Encoding.ASCII.GetString(bytes, 12, 4), Is.EqualTo("IHDR"));
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)), Is.EqualTo(640u));
        Assert.That(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20)), Is.EqualTo(600u));
    }

    [Test]
    public void Write_SwissRollWithoutModes_WritesPng()
    {
        using var real = SwissRoll.Create(new SwissRollOptions { NumSamples = 5_000 });
        using var fake = SwissRoll.Create(new SwissRollOptions { NumSamples = 2_000, Seed = 1 });
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "TwoD", "scatter-swiss-roll.png");
        var written = ScatterPlot.Write(path, fake.Points, real, "swiss roll");
        Assert.That(File.ReadAllBytes(written).Take(8), Is.EqualTo(PngSignature));
    }

    [Test]
    public void Write_InvalidOptions_Throws()
    {
        using var real = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 10 });
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "TwoD", "never.png");
        Assert.Throws<ArgumentException>(() => ScatterPlot.Write(path, real.Points, real, "x", new ScatterPlotOptions { WidthPixels = 1 }));
        Assert.That(File.Exists(path), Is.False);
    }

    /// <summary>A fresh grid draw without modes 0 and 12, plus 200 uniform strays over [−5, 25]² (some outside the frame).</summary>
    private static Tensor ImperfectSamples()
    {
        using var fake = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 400, Seed = 2 });
        using var keep = fake.Labels.ne(0).logical_and(fake.Labels.ne(12));
        using var kept = fake.Points[keep];
        using var g = new Generator(3);
        using var u = rand([200, 2], generator: g);
        using var strays = u * 30f - 5f;
        return cat([kept, strays], 0); // [9400, 2]
    }
}
