using System.Security.Cryptography;
using System.Text;
using Research.Core.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Core;

/// <summary>
/// The layout checks run on a safetensors file's bytes before any tensor exists, and the checksum that covers the header:
/// each malformed file is refused naming the file, the byte offset and the tensor or key.
/// </summary>
public class SafeTensorsLayoutTests
{
    // A file with tensors a (F32 [2, 3]) and b (F32 [4]) and metadata k = v.
    private static byte[] Written(bool checksum)
    {
        using var a = arange(6, dtype: float32).reshape(2, 3);
        using var b = ones(4);
        using var ms = new MemoryStream();
        SafeTensors.Write(ms, new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b }, new Dictionary<string, string> { ["k"] = "v" }, checksum);
        return ms.ToArray();
    }

    // A file from a header written by hand and a data section.
    private static byte[] Raw(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((long)json.Length), .. json, .. data];
    }

    private static string Header(byte[] file) => Encoding.UTF8.GetString(file, 8, (int)BitConverter.ToInt64(file, 0));

    private static InvalidDataException Refused(byte[] file) =>
        Assert.Throws<InvalidDataException>(() => SafeTensorsLayout.Parse(file, "f.safetensors"))!;

    [Test]
    public void Write_WithChecksum_CoversTheHeader_AndParseVerifiesIt()
    {
        var file = Written(checksum: true);
        var layout = SafeTensorsLayout.Parse(file, "f.safetensors");
        Assert.That(layout.Checksum, Is.EqualTo(SafeTensorsChecksum.HeaderAndData));
        Assert.That(layout.Metadata[SafeTensorsLayout.FileChecksumKey], Has.Length.EqualTo(64));

        // The metadata value "v" becomes "w": same length, only the header changes.
        int at = Header(file).IndexOf("\"k\":\"v\"", StringComparison.Ordinal) + 8 + 5;
        file[at] = (byte)'w';
        var e = Refused(file);
        Assert.That(e.Message, Does.StartWith("f.safetensors: byte ").And.Contain("checksum mismatch").And.Contain(SafeTensorsLayout.FileChecksumKey));
    }

    [Test]
    public void Parse_FileChecksumOverDataByte_IsRefused()
    {
        var file = Written(checksum: true);
        file[^1] ^= 0x01;
        Assert.That(Refused(file).Message, Does.Contain("checksum mismatch"));
    }

    [Test]
    public void Parse_LegacyDataOnlyChecksum_IsVerifiedTheOldWay()
    {
        var data = new byte[16];
        data[3] = 0x3f;
        var hash = Convert.ToHexString(SHA256.HashData(data));
        var header = """{"__metadata__":{"sha256":"HASH"},"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""".Replace("HASH", hash, StringComparison.Ordinal);

        var layout = SafeTensorsLayout.Parse(Raw(header, data), "old.safetensors");
        Assert.That(layout.Checksum, Is.EqualTo(SafeTensorsChecksum.DataOnly));

        data[0] = 1;
        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsLayout.Parse(Raw(header, data), "old.safetensors"))!;
        Assert.That(e.Message, Does.Contain("checksum mismatch").And.Contain("data section"));
    }

    [Test]
    public void Parse_NoChecksum_IsReportedAsNone()
    {
        Assert.That(SafeTensorsLayout.Parse(Written(checksum: false), "f").Checksum, Is.EqualTo(SafeTensorsChecksum.None));
    }

    [TestCase("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 12, "the last 4 data bytes belong to no tensor")]
    [TestCase("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "data bytes [0, 4) before tensor 'a' belong to no tensor")]
    [TestCase("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "'a' [0, 8) and 'b' [4, 8) overlap")]
    [TestCase("""{"a":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}""", 2, "tensor 'a': unsupported dtype F8_E4M3")]
    [TestCase("""{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}""", 8, "tensor 'a': shape holds 2.5")]
    [TestCase("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}""", 8, "tensor 'a': data_offsets [0] do not hold the 8 bytes")]
    [TestCase("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"dtype":"F32"}}""", 8, "tensor 'a': duplicate dtype")]
    [TestCase("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 8, "duplicate name 'a'")]
    [TestCase("""{"a":"F32"}""", 0, "tensor 'a': entry is not an object")]
    [TestCase("""{"__metadata__":{"k":1}}""", 0, "__metadata__ key 'k' is not a string")]
    [TestCase("""{"__metadata__":{"k":"v","k":"w"}}""", 0, "duplicate __metadata__ key 'k'")]
    [TestCase("""{"__metadata__":{"sha256_file":"abc"}}""", 0, "is not 64 hexadecimal digits")]
    [TestCase("""{} {}""", 0, "header is not valid JSON")]
    [TestCase("\"text\"", 0, "header is not a JSON object")]
    public void Parse_MalformedLayout_IsRefusedNamingFileOffsetAndTensorOrKey(string header, int dataBytes, string expected)
    {
        var e = Refused(Raw(header, new byte[dataBytes]));
        Assert.That(e.Message, Does.StartWith("f.safetensors: byte ").And.Contain(expected));
    }

    [Test]
    public void Parse_EntryOffset_PointsAtItsNameInTheHeader()
    {
        const string header = """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"XX","shape":[1],"data_offsets":[4,8]}}""";
        var e = Refused(Raw(header, new byte[8]));
        int expected = 8 + header.IndexOf("\"b\"", StringComparison.Ordinal);
        Assert.That(e.Message, Does.StartWith($"f.safetensors: byte {expected}: tensor 'b'"));
    }

    [Test]
    public void FirstNonFinite_FindsTheElementOfEachFloatDtype()
    {
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64, ScalarType.Float16, ScalarType.BFloat16 })
        {
            using var t = zeros(5, dtype: dtype);
            using (var third = t[3]) third.fill_(double.NegativeInfinity);
            Assert.That(SafeTensorsLayout.FirstNonFinite(t.bytes, dtype), Is.EqualTo((3L, "-Inf")), dtype.ToString());
            using var finite = zeros(5, dtype: dtype);
            Assert.That(SafeTensorsLayout.FirstNonFinite(finite.bytes, dtype).Index, Is.EqualTo(-1L), dtype.ToString());
        }
    }
}
