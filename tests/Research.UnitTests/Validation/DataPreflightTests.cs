using Research.Core.Configuration;
using Research.Core.Registry;
using Research.Data.Images;
using SkiaSharp;

namespace Research.UnitTests.Validation;

/// <summary>
/// <see cref="DataPreflight"/>: the headers of the data files are read before a run creates anything, and every problem
/// names the key and the data file (issue 24.6: images of the wrong size, a folder that is not there).
/// </summary>
public sealed class DataPreflightTests
{
    private static readonly ComponentRegistry Registry = SemanticConfigTests.BuiltIn();
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("preflight-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private LoadedExperiment Load(string data, string backbone = """{ "type": "unet", "options": { "image_size": 8, "model_channels": 8, "channel_mult": [1, 2], "num_groups": 4, "attention_resolutions": [] } }""",
        string sampling = "[]", string family = "ddpm-eps")
    {
        var file = Path.Combine(_dir, "e.json");
        File.WriteAllText(file, $$"""
            { "name": "e", "device": "cpu", "data": {{data}}, "backbone": {{backbone}},
              "schedule": { "type": "linear", "num_timesteps": 50 },
              "parameterization": { "type": "{{family}}" }, "training": { "steps": 1, "batch_size": 4 }, "sampling": {{sampling}} }
            """);
        return ExperimentLoader.Load(file, [], Registry);
    }

    private static void WritePng(string path, int size)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(size, size);
        bitmap.Erase(new SKColor(10, 20, 30));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private string Folder(string name) => Path.Combine(_dir, name).Replace('\\', '/');

    [Test]
    public void ImageFolder_PadTooLargeImage_NamesTheFileAndImageSize()
    {
        WritePng(Path.Combine(_dir, "imgs", "ok.png"), 8);
        WritePng(Path.Combine(_dir, "imgs", "big.png"), 16);
        var loaded = Load($$"""{ "type": "image-folder", "options": { "root": "{{Folder("imgs")}}", "image_size": 8, "resize": "pad" } }""");

        var ex = Assert.Throws<ConfigException>(() => DataPreflight.Check(loaded.Runs, Registry, _dir));

        Assert.That(ex!.Errors, Has.Count.EqualTo(1), ex.Message);
        Assert.That(ex.Errors[0].Path, Is.EqualTo("data.options.image_size"));
        Assert.That(ex.Errors[0].Message, Does.Contain("big.png").And.Contain("cannot pad a 16×16 image to 8×8"));
        Assert.That(ex.Errors[0].Source, Does.EndWith("e.json"));
    }

    [Test]
    public void ImageFolder_UndecodableFile_NamedWithByteOffset()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "imgs"));
        File.WriteAllText(Path.Combine(_dir, "imgs", "broken.png"), "not a png");
        var loaded = Load($$"""{ "type": "image-folder", "options": { "root": "{{Folder("imgs")}}", "image_size": 8 } }""");

        var ex = Assert.Throws<ConfigException>(() => DataPreflight.Check(loaded.Runs, Registry, _dir));

        Assert.That(ex!.Message, Does.Contain("data.options.root: ").And.Contain("broken.png: byte 0: not a decodable PNG or JPEG image"));
    }

    [Test]
    public void ImageFolder_MissingRoot_ErrorForARunNoteForValidate()
    {
        var loaded = Load($$"""{ "type": "image-folder", "options": { "root": "{{Folder("absent")}}", "image_size": 8 } }""");

        var ex = Assert.Throws<ConfigException>(() => DataPreflight.Check(loaded.Runs, Registry, _dir));
        var notes = new List<string>();
        DataPreflight.Check(loaded.Runs, Registry, _dir, missingIsError: false, notes);

        Assert.That(ex!.Message, Does.Contain("data.options.root: ").And.Contain("image folder not found"));
        Assert.That(notes, Has.Count.EqualTo(1).And.Some.Contains("image folder not found"));
    }

    [Test]
    public void ImageFolder_LabelsOutOfTheSubfoldersClasses_RefusedWithTheClassCount()
    {
        WritePng(Path.Combine(_dir, "imgs", "a", "1.png"), 8);
        WritePng(Path.Combine(_dir, "imgs", "b", "1.png"), 8);
        var loaded = Load($$"""{ "type": "image-folder", "options": { "root": "{{Folder("imgs")}}", "image_size": 8, "labels_from_subfolders": true } }""",
            sampling: """[ { "label": "x", "labels": "2", "guidance_scale": 1, "num_samples": 4 } ]""", family: "classifier-guided");

        var ex = Assert.Throws<ConfigException>(() => DataPreflight.Check(loaded.Runs, Registry, _dir));

        Assert.That(ex!.Errors.Single().Path, Is.EqualTo("sampling[0].labels"));
        Assert.That(ex.Errors[0].Message, Does.Contain("class 2 is not among the data set's 2 classes").And.Contain("and 2 classes)"));
    }

    [Test]
    public void Mnist_NativeSizeDiffersFromTheUNet_RefusedBeforeLoading()
    {
        var mnist = Directory.CreateDirectory(Path.Combine(_dir, "mnist")).FullName;
        IdxFile.Write(Path.Combine(mnist, "train-images-idx3-ubyte.gz"), [2, 10, 10], new byte[200]);
        var loaded = Load("""{ "type": "mnist", "options": { "image_size": 0 } }""");

        var ex = Assert.Throws<ConfigException>(() => DataPreflight.Check(loaded.Runs, Registry, _dir));

        Assert.That(ex!.Errors.Single().Path, Is.EqualTo("backbone.options.image_size"));
        Assert.That(ex.Errors[0].Message, Does.Contain("gives 10×10 images"));
    }

    [Test]
    public void Mnist_FilesFitting_Passes()
    {
        var mnist = Directory.CreateDirectory(Path.Combine(_dir, "mnist")).FullName;
        IdxFile.Write(Path.Combine(mnist, "train-images-idx3-ubyte.gz"), [2, 8, 8], new byte[128]);
        var loaded = Load("""{ "type": "mnist", "options": { "image_size": 0 } }""");

        Assert.DoesNotThrow(() => DataPreflight.Check(loaded.Runs, Registry, _dir));
    }
}
