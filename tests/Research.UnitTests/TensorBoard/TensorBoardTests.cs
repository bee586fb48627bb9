using System.Text;
using System.Text.Json;
using Research.Evaluation.Reports;
using Research.Training.Experiments;
using Research.Training.TensorBoard;
using Research.UnitTests.Contracts;
using SkiaSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.TensorBoard;

public class Crc32CTests
{
    [Test]
    public void Compute_CheckString123456789_IsE3069283() =>
        Assert.That(Crc32C.Compute("123456789"u8), Is.EqualTo(0xE3069283u));

    /// <summary>RFC 3720 App. B.4 test vectors.</summary>
    [Test]
    public void Compute_Rfc3720Vectors_Match()
    {
        Assert.That(Crc32C.Compute(new byte[32]), Is.EqualTo(0x8A9136AAu));
        Assert.That(Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()), Is.EqualTo(0x62A8AB43u));
        Assert.That(Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()), Is.EqualTo(0x46DD794Eu));
        Assert.That(Crc32C.Compute([]), Is.EqualTo(0u));
    }

    [Test]
    public void Mask_OfCheckValue_IsRotatedPlusDelta_AndUnmaskInverts()
    {
        Assert.That(Crc32C.Mask(0xE3069283), Is.EqualTo(0xC78AB0E5u));       // ((c >> 15) | (c << 17)) + 0xa282ead8
        foreach (uint c in new[] { 0u, 1u, 0xFFFFFFFFu, 0xE3069283u, 0x12345678u })
            Assert.That(Crc32C.Unmask(Crc32C.Mask(c)), Is.EqualTo(c));
    }

    /// <summary>
    /// The first record of a TensorFlow event file is the 24-byte file_version event (wall_time + "brain.Event:2"), so
    /// every such file starts with 18 00 00 00 00 00 00 00 a3 7f 4b 22: the length and its masked CRC.
    /// </summary>
    [Test]
    public void Frame_FileVersionRecord_StartsWithTheBytesOfEveryTensorFlowEventFile()
    {
        var data = new ProtoWriter().Double(1, 1.7e9).String(3, EventFileWriter.FileVersion).ToArray();
        var record = EventFileWriter.Frame(data);
        Assert.That(data, Has.Length.EqualTo(24));
        Assert.That(record.Take(12), Is.EqualTo(new byte[] { 0x18, 0, 0, 0, 0, 0, 0, 0, 0xA3, 0x7F, 0x4B, 0x22 }));
        Assert.That(BitConverter.ToUInt32(record, 12 + 24), Is.EqualTo(Crc32C.Mask(Crc32C.Compute(data))));
    }
}

public class ProtoWriterTests
{
    [Test]
    public void Encodings_MatchTheProtobufSpecification()
    {
        Assert.That(new ProtoWriter().Int64(1, 150).ToArray(), Is.EqualTo(new byte[] { 0x08, 0x96, 0x01 }));        // the spec's example
        Assert.That(new ProtoWriter().Int64(2, -1).ToArray(), Is.EqualTo(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }));
        Assert.That(new ProtoWriter().String(2, "testing").ToArray(), Is.EqualTo(new byte[] { 0x12, 0x07 }.Concat("testing"u8.ToArray())));
        Assert.That(new ProtoWriter().Float(2, 1f).ToArray(), Is.EqualTo(new byte[] { 0x15, 0x00, 0x00, 0x80, 0x3F }));
        Assert.That(new ProtoWriter().Double(1, 1.0).ToArray(), Is.EqualTo(new byte[] { 0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F }));
        Assert.That(new ProtoWriter().Message(3, new ProtoWriter().Int64(1, 150)).ToArray(), Is.EqualTo(new byte[] { 0x1A, 0x03, 0x08, 0x96, 0x01 }));
    }
}

[NonParallelizable]
public class EventFileWriterTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("tb-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void Write_ScalarsAndImage_ReadBackWithEveryCrcChecked()
    {
        using var images = rand(3, 1, 4, 4);
        var grid = ImageGrid.Encode(images);
        string path;
        using (var writer = EventFileWriter.Create(_dir))
        {
            path = writer.Path;
            writer.WriteScalars(7, [new("train/loss", 0.25f), new("lr/denoiser", 2e-4f)]);
            writer.WriteImage("samples/ddim-4", 9, grid);
            writer.WriteScalars(8, []);                                           // nothing: no event
        }

        Assert.That(Path.GetFileName(path), Does.Match(@"^events\.out\.tfevents\.\d{10}\." + System.Text.RegularExpressions.Regex.Escape(Environment.MachineName)));
        var events = TfEventsReader.Read(path);
        Assert.That(events, Has.Count.EqualTo(3));
        Assert.That(events[0].FileVersion, Is.EqualTo("brain.Event:2"));
        Assert.That(events[0].WallTime, Is.EqualTo(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).Within(60));
        Assert.That(events[1].Step, Is.EqualTo(7));
        Assert.That(events[1].Values.Select(v => (v.Tag, v.Simple)), Is.EqualTo(new[] { ("train/loss", (float?)0.25f), ("lr/denoiser", (float?)2e-4f) }));
        var image = events[2].Values.Single();
        Assert.That((image.Tag, events[2].Step), Is.EqualTo(("samples/ddim-4", 9L)));
        Assert.That((image.Image!.Height, image.Image.Width, image.Image.Colorspace), Is.EqualTo((grid.Height, grid.Width, 1)));
        Assert.That(image.Image.Encoded, Is.EqualTo(grid.Png));
        using var decoded = SKBitmap.Decode(image.Image.Encoded);
        Assert.That(decoded.Width, Is.EqualTo(grid.Width));

        var bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0x40;                                                        // inside the image record's data
        Assert.Throws<InvalidDataException>(() => TfEventsReader.Read(bytes, path));
    }

    [Test]
    public void Create_TwiceInOneSecond_TwoFiles()
    {
        using var a = EventFileWriter.Create(_dir);
        using var b = EventFileWriter.Create(_dir);
        Assert.That(a.Path, Is.Not.EqualTo(b.Path));
    }

    [Test]
    public void FromPng_ReadsSizeAndChannelsFromTheHeader()
    {
        using var rgb = rand(2, 3, 5, 7);
        var grid = ImageGrid.Encode(rgb, padding: 0);
        var parsed = EncodedImage.FromPng(grid.Png);
        Assert.That((parsed.Width, parsed.Height), Is.EqualTo((14, 5)));
        Assert.That(parsed.Channels, Is.EqualTo(3).Or.EqualTo(4));
        Assert.Throws<InvalidDataException>(() => EncodedImage.FromPng(Encoding.ASCII.GetBytes("not a png at all, really not")));
    }
}

/// <summary>A tiny training run through the experiment runner: the event file mirrors metrics.jsonl, and periodic evaluation adds images.</summary>
[NonParallelizable]
public class TensorBoardRunTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("tb-run-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private ExperimentRunner Runner() => new(TestExperiments.Registry, new RunnerSettings { RunsDir = _dir, DataRoot = _dir }, TextWriter.Null);

    [Test]
    public void Train_TinyRunWithEvalEvery_EveryLoggedScalarAtItsStepAndAGridPerEvaluation()
    {
        var run = TestExperiments.Tiny("ddgan", 0, "training.eval_every=10", "evaluation.plot=true");
        string folder;
        var (session, runFolder) = Runner().Train(run);
        using (session)
        using (runFolder)
            folder = runFolder.Path;

        var eventFile = Directory.GetFiles(Path.Combine(folder, "tb")).Single();
        var events = TfEventsReader.Read(eventFile);
        Assert.That(events[0].FileVersion, Is.EqualTo("brain.Event:2"));
        var scalars = events.SelectMany(e => e.Values.Where(v => v.Simple is not null).Select(v => (e.Step, v.Tag, Value: v.Simple!.Value))).ToList();
        var lines = File.ReadLines(Path.Combine(folder, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var training = lines.Where(l => !l.TryGetProperty("eval", out _)).ToList();
        Assert.That(training.Select(l => l.GetProperty("step").GetInt64()), Is.EqualTo(new long[] { 5, 10, 15, 20 }));
        foreach (var line in training)
        {
            long step = line.GetProperty("step").GetInt64();
            foreach (var p in line.EnumerateObject().Where(p => p.Name != "step" && p.Value.ValueKind == JsonValueKind.Number))
            {
                var name = p.Name.Replace('.', '/');                                 // lr.generator → lr/generator; loss → train/loss
                Assert.That(scalars.Where(s => s.Step == step && (s.Tag == name || s.Tag.EndsWith("/" + name, StringComparison.Ordinal))).Select(s => s.Value),
                    Is.EqualTo(new[] { (float)p.Value.GetDouble() }), $"{p.Name} at step {step}");
            }
        }
        Assert.That(scalars.Select(s => s.Tag), Has.Member("grad_norm/generator").And.Member("lr/discriminator").And.Member("perf/steps_per_sec"));

        var evaluation = lines.Single(l => l.TryGetProperty("eval", out _));
        Assert.That(evaluation.GetProperty("step").GetInt64(), Is.EqualTo(10), "evaluated at step 10 only (the last step is left to the caller)");
        Assert.That(scalars, Has.Some.Matches<(long Step, string Tag, float Value)>(s => s.Step == 10 && s.Tag == "eval/all/frechet"));
        var image = events.Where(e => e.Step == 10).SelectMany(e => e.Values).Single(v => v.Image is not null);
        Assert.That(image.Tag, Is.EqualTo("samples/all"));
        Assert.That(image.Image!.Encoded, Is.EqualTo(File.ReadAllBytes(Path.Combine(folder, "samples", "all.png"))));
    }

    [Test]
    public void Train_TensorboardOff_NoEventFolder()
    {
        var run = TestExperiments.Tiny("ddpm-eps", 0, "training.tensorboard=false");
        var (session, runFolder) = Runner().Train(run);
        using (session)
        using (runFolder)
            Assert.That(Directory.Exists(Path.Combine(runFolder.Path, "tb")), Is.False);
    }

    [TestCase("ddpm-eps")]
    [TestCase("ddgan")]
    public void Train_PeriodicEvaluation_SameWeightsAsWithout(string family)
    {
        var with = TestExperiments.Tiny(family, 3, "training.eval_every=5");
        var without = TestExperiments.Tiny(family, 3);
        var (a, fa) = Runner().Train(with);
        var (b, fb) = Runner().Train(without);
        using (a) using (fa) using (b) using (fb)
        {
            Assert.That(File.ReadLines(Path.Combine(fa.Path, "metrics.jsonl")).Count(l => l.Contains("\"eval\"")), Is.EqualTo(3), "steps 5, 10, 15");
            foreach (var (name, net) in a.Parameterization.Networks)
            {
                var pb = b.Parameterization.Networks[name].named_parameters().ToDictionary(p => p.name, p => p.parameter);
                foreach (var (pname, p) in net.named_parameters())
                    Assert.That(TestTensors.AreIdentical(p, pb[pname]), Is.True, $"{name}.{pname}");
            }
        }
    }
}
