using SkiaSharp;

namespace Research.IntegrationTests;

/// <summary>
/// Issue 24.6 end to end: data problems a run would hit are exit 2 before any run folder exists, naming the key and the file;
/// <c>research validate</c> reads the same headers (<c>--data-root</c>) and notes data it cannot find.
/// </summary>
[NonParallelizable]
public class DataPreflightCliTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("cli-preflight-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private string Experiment(string data, string backbone)
    {
        var file = Path.Combine(_dir, "e.json");
        File.WriteAllText(file, $$"""
            { "name": "e", "device": "cpu", "data": {{data}}, "backbone": {{backbone}},
              "schedule": { "type": "linear", "num_timesteps": 50 }, "training": { "steps": 1, "batch_size": 4 },
              "sampling": [ { "label": "full", "num_samples": 4, "batch_size": 4 } ] }
            """);
        return file;
    }

    private const string SmallUNet =
        """{ "type": "unet", "options": { "image_size": 8, "model_channels": 8, "channel_mult": [1, 2], "num_groups": 4, "attention_resolutions": [] } }""";

    private static void WritePng(string path, int size)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(size, size);
        bitmap.Erase(new SKColor(200, 100, 50));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private (int Exit, string Err, string[] Written) Run(string file)
    {
        var runs = Path.Combine(_dir, "runs");
        var (exit, _, err) = Cli.Run("run", file, "--runs-dir", runs, "--data-root", Path.Combine(_dir, "data"));
        return (exit, err, Directory.Exists(runs) ? Directory.GetFileSystemEntries(runs) : []);
    }

    [Test]
    public void ImageFolder_ImageTooLargeToPad_ValidateAndRunExit2NamingTheFileNoRunFolder()
    {
        var root = Path.Combine(_dir, "imgs");
        WritePng(Path.Combine(root, "a.png"), 8);
        WritePng(Path.Combine(root, "sub", "big.png"), 12);
        var file = Experiment($$"""{ "type": "image-folder", "options": { "root": "{{root.Replace('\\', '/')}}", "image_size": 8, "resize": "pad", "channels": 3 } }""", SmallUNet);

        var (vexit, _, verr) = Cli.Run("validate", file);
        var (exit, err, written) = Run(file);

        foreach (var e in new[] { verr, err })
            Assert.That(e, Does.Contain("e.json: data.options.image_size: ").And.Contain(Path.Combine("sub", "big.png")).And.Contain("12×12"));
        Assert.That((vexit, exit), Is.EqualTo((2, 2)));
        Assert.That(written, Is.Empty, "nothing may be written");
    }

    [Test]
    public void Mnist_FilesMissing_RunExit2NoEmptyRunFolder_ValidateNotesIt()
    {
        var file = Experiment("""{ "type": "mnist", "options": { "image_size": 8, "resize": "resize" } }""", SmallUNet);

        var (exit, err, written) = Run(file);
        var (vexit, vout, verr) = Cli.Run("validate", file, "--data-root", Path.Combine(_dir, "data"));

        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("data.options.root: ").And.Contain("research data fetch mnist"));
        Assert.That(written, Is.Empty, "a failed run leaves no (empty) run folder");
        Assert.That(vexit, Is.EqualTo(0), verr);
        Assert.That(vout, Does.Contain("note: not checked, data missing: e: data.options.root: "));
    }

    [Test]
    public void ClassConditionalWithoutLabels_RunExit2BeforeTraining()
    {
        // Issue 19.4: this trained and then died at its first evaluation with a stack trace.
        var file = Experiment("""{ "type": "gaussian-grid", "options": { "num_per_mode": 20 } }""",
            """{ "type": "mlp", "options": { "hidden_dim": 16, "num_layers": 2, "time_embed_dim": 16 } }""");
        var (exit, err, written) = Run(file);
        Assert.That(exit, Is.EqualTo(0), err);

        File.WriteAllText(file, File.ReadAllText(file).Replace("\"name\": \"e\",", "\"name\": \"e\", \"parameterization\": { \"type\": \"ddpm-eps\", \"options\": { \"class_conditional\": true } },"));
        Directory.Delete(Path.Combine(_dir, "runs"), true);
        (exit, err, written) = Run(file);

        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("e.json: sampling[0].labels: a class-conditional model needs labels in the sampling request"));
        Assert.That(written, Is.Empty);
    }
}
