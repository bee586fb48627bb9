using Research.Core.IO;

namespace Research.UnitTests.Core;

public class AtomicFileTests
{
    [Test]
    public void Write_WriterThrows_OldContentKeptAndNoTempLeft()
    {
        var dir = Directory.CreateTempSubdirectory("af-").FullName;
        try
        {
            var path = Path.Combine(dir, "f.txt");
            File.WriteAllText(path, "old");
            Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
            {
                s.Write("new-partial"u8);
                throw new InvalidOperationException("disk full");
            }));
            Assert.That(File.ReadAllText(path), Is.EqualTo("old"));
            Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(1));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void WriteAllText_ReplacesContent()
    {
        var path = Path.Combine(Path.GetTempPath(), $"af-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "new");
        Assert.That(File.ReadAllText(path), Is.EqualTo("new"));
        File.Delete(path);
    }
}
