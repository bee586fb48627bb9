using System.Buffers.Binary;
using Research.Evaluation.Reports;

namespace Research.UnitTests.Metrics;

public class TrilemmaPlotTests
{
    [Test]
    public void Write_ImageStudy_WritesAPngOfTheRequestedSize()
    {
        var root = Directory.CreateTempSubdirectory("trilemma-").FullName;
        try
        {
            var results = RunResultsReader.ReadAll([SyntheticRuns.ImageStudy(root)]);
            var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "Metrics", "trilemma-images.png");
            var written = TrilemmaPlot.Write(path, results, new TrilemmaPlotOptions { WidthPixels = 1000, HeightPixels = 640 });
            TestContext.AddTestAttachment(written);
            var bytes = File.ReadAllBytes(written);
            Assert.That(bytes.Take(8), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)), Is.EqualTo(1000u));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20)), Is.EqualTo(640u));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Test]
    public void Write_NoQualityMetric_ThrowsAndWritesNothing()
    {
        var root = Directory.CreateTempSubdirectory("trilemma-").FullName;
        try
        {
            SyntheticRuns.Create(root, "r", new Dictionary<string, object> { ["eval"] = "x", ["method"] = "m", ["nfe"] = 1, ["ms_per_1000"] = 3.0 });
            var path = Path.Combine(root, "never.png");
            Assert.Throws<ArgumentException>(() => TrilemmaPlot.Write(path, RunResultsReader.ReadAll([root])));
            Assert.That(File.Exists(path), Is.False);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
