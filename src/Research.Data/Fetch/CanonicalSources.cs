using System.Security.Cryptography;
using Research.Core.IO;

namespace Research.Data.Fetch;

/// <summary>
/// The canonical files of each dataset, where they are published and their MD5 checksums (the checksums torchvision and
/// the dataset pages list). A download counts only when its checksum matches.
/// </summary>
public static class CanonicalSources
{
    /// <summary>One published file and its MD5.</summary>
    public sealed record RemoteFile(string Name, string Md5);

    /// <summary>Base URLs tried in order, per dataset.</summary>
    public static IReadOnlyList<string> Mirrors(string dataset) => dataset switch
    {
        "mnist" => ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
        "fashion-mnist" => ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
        "cifar10" => ["https://www.cs.toronto.edu/~kriz/"],
        _ => throw new ArgumentException($"no canonical source for '{dataset}'"),
    };

    /// <summary>The files of a dataset.</summary>
    public static IReadOnlyList<RemoteFile> Files(string dataset) => dataset switch
    {
        "mnist" =>
        [
            new("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            new("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
            new("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
            new("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
        ],
        "fashion-mnist" =>
        [
            new("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            new("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
            new("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
            new("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
        ],
        "cifar10" => [new("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530")],
        _ => throw new ArgumentException($"no canonical source for '{dataset}'"),
    };

    /// <summary>
    /// Downloads every file of <paramref name="dataset"/> into <paramref name="folder"/> from the first mirror that serves
    /// them all with matching checksums (each file written atomically). Returns the mirror, or null after logging why
    /// each failed.
    /// </summary>
    public static string? TryDownload(string dataset, string folder, TimeSpan timeout, TextWriter log)
    {
        using var http = new HttpClient { Timeout = timeout };
        foreach (var mirror in Mirrors(dataset))
        {
            try
            {
                foreach (var file in Files(dataset))
                {
                    var bytes = http.GetByteArrayAsync(mirror + file.Name).GetAwaiter().GetResult();
                    var md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
                    if (md5 != file.Md5) throw new InvalidDataException($"{file.Name}: MD5 {md5}, expected {file.Md5}");
                    AtomicFile.Write(Path.Combine(folder, file.Name), s => s.Write(bytes));
                    log.WriteLine($"  {mirror}{file.Name}: {bytes.Length:N0} bytes, MD5 verified");
                }
                return mirror;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException or IOException)
            {
                log.WriteLine($"  {mirror}: not usable ({(e is TaskCanceledException ? $"no answer within {timeout.TotalSeconds:0} s" : e.Message)})");
            }
        }
        return null;
    }
}
