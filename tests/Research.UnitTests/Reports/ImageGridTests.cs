using Research.Evaluation.Reports;
using SkiaSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Reports;

public class ImageGridTests
{
    [Test]
    public void Encode_ThreeGreyImagesTwoPerRow_DecodesToPaddedLayoutWithExactValues()
    {
        // Image 0 = 0.25 → 64; image 1 = 1.5 (clamped) → 255; image 2: left half −0.5 (clamped) → 0, right half 0.5 → 128.
        using var images = zeros(3, 1, 4, 4);
        using (NewDisposeScope())
        {
            images[0].fill_(0.25);
            images[1].fill_(1.5);
            images[2, 0].narrow(1, 0, 2).fill_(-0.5);
            images[2, 0].narrow(1, 2, 2).fill_(0.5);
        }

        var grid = ImageGrid.Encode(images, perRow: 2, padding: 2);

        Assert.That((grid.Width, grid.Height, grid.Channels), Is.EqualTo((14, 14, 1)));   // 2·(4+2)+2
        using var decoded = SKBitmap.Decode(grid.Png);
        Assert.That((decoded.Width, decoded.Height), Is.EqualTo((14, 14)));
        byte At(int x, int y)
        {
            var p = decoded.GetPixel(x, y);
            Assert.That((p.Green, p.Blue), Is.EqualTo((p.Red, p.Red)), $"grey at ({x}, {y})");
            return p.Red;
        }
        Assert.That(At(0, 0), Is.EqualTo(0), "padding");
        Assert.That(At(2, 2), Is.EqualTo(64), "image 0, first pixel");
        Assert.That(At(5, 5), Is.EqualTo(64), "image 0, last pixel");
        Assert.That(At(6, 3), Is.EqualTo(0), "padding between images 0 and 1");
        Assert.That(At(8, 2), Is.EqualTo(255), "image 1 (clamped from 1.5)");
        Assert.That(At(11, 5), Is.EqualTo(255), "image 1, last pixel");
        Assert.That(At(2, 8), Is.EqualTo(0), "image 2, left half (clamped from −0.5)");
        Assert.That(At(5, 11), Is.EqualTo(128), "image 2, right half: round(127.5) half to even");
        Assert.That(At(9, 9), Is.EqualTo(0), "empty cell");
    }

    [Test]
    public void Encode_RgbImagesBeyondMax_KeepsChannelsAndDrawsOnlyMaxImages()
    {
        using var images = zeros(5, 3, 2, 3);
        using (NewDisposeScope())
        {
            images.narrow(1, 0, 1).fill_(1.0);    // red
            images.narrow(1, 2, 1).fill_(0.5);    // blue → 128
            images[4, 1].fill_(1.0);     // the fifth (not drawn) would be green-tinted
        }

        var grid = ImageGrid.Encode(images, maxImages: 4, perRow: 8, padding: 1);

        Assert.That((grid.Width, grid.Height, grid.Channels), Is.EqualTo((4 * 4 + 1, 2 + 2, 3)));
        using var decoded = SKBitmap.Decode(grid.Png);
        Assert.That((decoded.Width, decoded.Height), Is.EqualTo((17, 4)));
        Assert.That(decoded.GetPixel(1, 1), Is.EqualTo(new SKColor(255, 0, 128)));
        Assert.That(decoded.GetPixel(15, 2), Is.EqualTo(new SKColor(255, 0, 128)), "fourth image, last pixel");
        Assert.That(decoded.GetPixel(0, 0), Is.EqualTo(new SKColor(0, 0, 0)), "padding");
    }

    [Test]
    public void Write_CreatesFolderAndFileWithTheEncodedBytes()
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "Reports", Guid.NewGuid().ToString("N"), "grid.png");
        using var images = rand(2, 1, 3, 3);
        var grid = ImageGrid.Write(path, images);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(grid.Png));
        Directory.Delete(Path.GetDirectoryName(path)!, true);
    }

    [Test]
    public void Encode_TwoChannels_Throws()
    {
        using var images = zeros(1, 2, 4, 4);
        Assert.Throws<ArgumentException>(() => ImageGrid.Encode(images));
    }
}
