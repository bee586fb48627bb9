using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Research.Core.IO.PyTorch;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Core;

/// <summary>
/// <see cref="PyTorchStateDict"/> on files written by PyTorch 1.13 (tests/data/pytorch, made by its make_fixture.py): every
/// dtype, view and shared storage read to the exact values PyTorch wrote; the legacy format, nested dicts, corrupt storages
/// and non-finite weights refused with messages naming the file; and pickles that would run code refused by global and
/// byte offset — the committed malicious.pt and crafted ones (STACK_GLOBAL, INST, REDUCE of a storage class, BUILD).
/// </summary>
public class PyTorchStateDictTests
{
    private static readonly string Fixtures = Path.Combine(TestPaths.RepoRoot, "tests", "data", "pytorch");
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("pytorch-sd-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [TestCase("dtypes.pt")]
    [TestCase("mlp-tiny.pth")]
    public void Read_FileWrittenByPyTorch_EveryTensorHasTheDtypeShapeAndValuesPyTorchWrote(string file)
    {
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "expected.json")))![file]!.AsObject();
        var tensors = PyTorchStateDict.Read(Path.Combine(Fixtures, file));
        try
        {
            Assert.That(tensors.Keys, Is.EqualTo(expected.Select(p => p.Key)), "the keys, in the file's order");
            foreach (var (key, node) in expected)
            {
                var t = tensors[key];
                Assert.That(t.dtype.ToString().ToLowerInvariant(), Is.EqualTo(DtypeName(node!["dtype"]!.GetValue<string>())), key);
                Assert.That(t.shape, Is.EqualTo(node["shape"]!.AsArray().Select(d => d!.GetValue<long>())), key);
                Assert.That(t.is_contiguous(), Is.True, key);
                var values = node["values"]!.AsArray();
                using var flat = t.reshape(-1);                                       // a 0-d tensor as one element
                if (t.dtype == ScalarType.Bool)
                    Assert.That(flat.data<bool>().ToArray(), Is.EqualTo(values.Select(v => v!.GetValue<bool>())), key);
                else if (t.is_floating_point())
                {
                    using var d = flat.to_type(ScalarType.Float64);
                    Assert.That(d.data<double>().ToArray(), Is.EqualTo(values.Select(v => v!.GetValue<double>())), key);
                }
                else
                {
                    using var l = flat.to_type(ScalarType.Int64);
                    Assert.That(l.data<long>().ToArray(), Is.EqualTo(values.Select(v => v!.GetValue<long>())), key);
                }
            }
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    [Test]
    public void Read_SharedStorage_TensorsAreIndependentCopies()
    {
        var tensors = PyTorchStateDict.Read(Path.Combine(Fixtures, "dtypes.pt"));
        try
        {
            using (no_grad()) tensors["shared_a"].fill_(-1f);
            Assert.That(tensors["shared_b"].data<float>().ToArray(), Is.EqualTo(new[] { 1f, 1.25f, 1.5f, 1.75f, 2f, 2.25f }));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    [Test]
    public void Read_MaliciousFileFromPyTorch_RefusedNamingTheGlobalAndItsByteOffset()
    {
        var path = Path.Combine(Fixtures, "malicious.pt");
        int offset = IndexOf(Member(path, "malicious/data.pkl"), "cposix\nsystem\n");
        Assert.That(offset, Is.GreaterThan(0));
        var e = Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Read(path))!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain("malicious/data.pkl").And.Contain($"byte {offset}:")
            .And.Contain("'posix.system' is not allowed").And.Contain("never runs pickled code"));
    }

    // Each pickle names code to run; the message names the global or opcode and where it is.
    [TestCase(new byte[] { 0x80, 4, 0x8c, 8, (byte)'b', (byte)'u', (byte)'i', (byte)'l', (byte)'t', (byte)'i', (byte)'n', (byte)'s', 0x8c, 4, (byte)'e', (byte)'v', (byte)'a', (byte)'l', 0x93, (byte)')', (byte)'R', (byte)'.' },
        18, "'builtins.eval' is not allowed", TestName = "STACK_GLOBAL builtins.eval")]
    [TestCase(new byte[] { 0x80, 2, (byte)'(', (byte)'i', (byte)'o', (byte)'s', (byte)'\n', (byte)'s', (byte)'y', (byte)'s', (byte)'t', (byte)'e', (byte)'m', (byte)'\n', (byte)'.' },
        3, "opcode 0x69 ('i') is not one a state dict uses", TestName = "INST os.system")]
    [TestCase(new byte[] { 0x80, 2, (byte)'c', (byte)'t', (byte)'o', (byte)'r', (byte)'c', (byte)'h', (byte)'\n', (byte)'F', (byte)'l', (byte)'o', (byte)'a', (byte)'t', (byte)'S', (byte)'t', (byte)'o', (byte)'r', (byte)'a', (byte)'g', (byte)'e', (byte)'\n', (byte)')', (byte)'R', (byte)'.' },
        23, "REDUCE calls torch.FloatStorage", TestName = "REDUCE of a storage class")]
    [TestCase(new byte[] { 0x80, 2, (byte)'c', (byte)'c', (byte)'o', (byte)'l', (byte)'l', (byte)'e', (byte)'c', (byte)'t', (byte)'i', (byte)'o', (byte)'n', (byte)'s', (byte)'\n', (byte)'O', (byte)'r', (byte)'d', (byte)'e', (byte)'r', (byte)'e', (byte)'d', (byte)'D', (byte)'i', (byte)'c', (byte)'t', (byte)'\n', (byte)'}', (byte)'b', (byte)'.' },
        28, "BUILD sets the state of collections.OrderedDict", TestName = "BUILD of a global")]
    public void Read_CraftedPickle_RefusedNamingWhatAndWhere(byte[] pickle, int offset, string what)
    {
        var path = Archive("crafted", pickle);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Read(path))!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain("crafted/data.pkl").And.Contain($"byte {offset}:").And.Contain(what));
    }

    [Test]
    public void Read_LegacyFormat_RefusedSayingHowToSaveAgain()
    {
        var path = Path.Combine(Fixtures, "legacy.pt");
        var e = Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Read(path))!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain("legacy format").And.Contain("torch.save(state_dict, path)"));
    }

    [Test]
    public void Read_NestedCheckpoint_RefusedWithoutKeyNamingTheDicts_ReadWithKey()
    {
        var path = Path.Combine(Fixtures, "nested.pt");
        var e = Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Read(path))!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain("key 'epoch' holds an integer").And.Contain("netG_dict (choose one with --key)"));
        var e2 = Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Read(path, "netD_dict"))!;
        Assert.That(e2.Message, Does.Contain("has no key 'netD_dict' (its keys: epoch, netG_dict, args)"));

        var nested = PyTorchStateDict.Read(path, "netG_dict");
        var plain = PyTorchStateDict.Read(Path.Combine(Fixtures, "mlp-tiny.pth"));
        try
        {
            Assert.That(nested.Keys, Is.EqualTo(plain.Keys));
            foreach (var (k, v) in plain) Assert.That(nested[k].eq(v).all().item<bool>(), Is.True, k);
        }
        finally
        {
            foreach (var t in nested.Values.Concat(plain.Values)) t.Dispose();
        }
    }

    [Test]
    public void Read_NaNInAStorage_RefusedNamingTheTensorElementAndByte()
    {
        var path = Copy("mlp-tiny.pth");
        var bytes = Member(path, "mlp-tiny/data/2");                                  // time_fc2.weight [4, 4]
        BitConverter.GetBytes(float.NaN).CopyTo(bytes, 4 * 6);
        ReplaceMember(path, "mlp-tiny/data/2", bytes);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Read(path))!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain("member 'mlp-tiny/data/2' byte 24:")
            .And.Contain("tensor 'time_fc2.weight' [4, 4] holds NaN at element 6"));
        var tensors = PyTorchStateDict.Read(path, requireFinite: false);
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Test]
    public void Read_StorageShorterThanThePickleSays_RefusedNamingTheMember()
    {
        var path = Copy("mlp-tiny.pth");
        ReplaceMember(path, "mlp-tiny/data/2", new byte[60]);
        var e = Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Read(path))!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain("member 'mlp-tiny/data/2' holds 60 bytes; the pickle says 16 elements of Float32 (64 bytes)"));
    }

    [Test]
    public void Read_NotAnArchive_Refused()
    {
        var path = Path.Combine(_dir, "text.pt");
        File.WriteAllText(path, "PK\u0003\u0004 but no zip after all");
        var e = Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Read(path))!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain("not a readable zip archive"));
    }

    private static string DtypeName(string torchName) => torchName switch
    {
        "float32" => "float32", "float16" => "float16", "bfloat16" => "bfloat16", "float64" => "float64", "int64" => "int64",
        "int32" => "int32", "bool" => "bool", "uint8" => "byte", _ => throw new ArgumentException(torchName),
    };

    private string Archive(string name, byte[] pickle)
    {
        var path = Path.Combine(_dir, name + ".pt");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var s = zip.CreateEntry($"{name}/data.pkl", CompressionLevel.NoCompression).Open()) s.Write(pickle);
        using (var s = zip.CreateEntry($"{name}/version", CompressionLevel.NoCompression).Open()) s.Write("3\n"u8);
        return path;
    }

    private string Copy(string fixture)
    {
        var path = Path.Combine(_dir, fixture);
        File.Copy(Path.Combine(Fixtures, fixture), path);
        return path;
    }

    private static byte[] Member(string path, string member)
    {
        using var zip = ZipFile.OpenRead(path);
        using var s = zip.GetEntry(member)!.Open();
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    private static void ReplaceMember(string path, string member, byte[] bytes)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        zip.GetEntry(member)!.Delete();
        using var s = zip.CreateEntry(member, CompressionLevel.NoCompression).Open();
        s.Write(bytes);
    }

    private static int IndexOf(byte[] data, string text) => data.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text));
}
