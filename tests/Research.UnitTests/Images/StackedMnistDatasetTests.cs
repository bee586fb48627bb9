using Research.Data.Images;
using static TorchSharp.torch;

namespace Research.UnitTests.Images;

/// <summary>
/// StackedMNIST's pool: the same seed stacks the same images, the label of each image decodes to the digits in its
/// R, G, B channels, and each channel uses every digit image equally often (independent permutations, as DDGAN builds it).
/// </summary>
public class StackedMnistDatasetTests
{
    // 30 single-channel 2×2 "digits": image i is filled with the byte 8·i + 5, label i mod 10; so a channel's pixel says
    // which image it came from, and the image index says its digit.
    private static (Tensor Pixels, Tensor Labels) Digits(int m = 30)
    {
        var pixels = arange(m, dtype: ScalarType.Int64).mul(8).add(5).to_type(ScalarType.Byte).reshape(m, 1, 1, 1).expand(m, 1, 2, 2).contiguous();
        var labels = arange(m, dtype: ScalarType.Int64).remainder(10);
        return (pixels, labels);
    }

    [Test]
    public void Stack_SameSeed_SameImagesAndLabels_OtherSeed_Others()
    {
        var (pixels, labels) = Digits();
        using var a = StackedMnistDataset.Stack(pixels, labels, 50, seed: 7);
        using var b = StackedMnistDataset.Stack(pixels, labels, 50, seed: 7);
        using var c = StackedMnistDataset.Stack(pixels, labels, 50, seed: 8);
        Assert.That(a.Pixels.eq(b.Pixels).all().item<bool>() && a.Labels!.eq(b.Labels!).all().item<bool>(), Is.True);
        Assert.That(a.Pixels.eq(c.Pixels).all().item<bool>(), Is.False);
        Assert.That(a.SampleShape, Is.EqualTo(new long[] { 3, 2, 2 }));
        Assert.That(a.NumClasses, Is.EqualTo(1000));
    }

    [Test]
    public void Stack_LabelDecodesToTheDigitOfEachChannel_RedIsTheHundreds()
    {
        var (pixels, labels) = Digits();
        using var set = StackedMnistDataset.Stack(pixels, labels, 75, seed: 3);
        var bytes = set.Pixels.data<byte>().ToArray();                      // [75, 3, 2, 2]
        var modes = set.Labels!.data<long>().ToArray();
        for (int i = 0; i < 75; i++)
        {
            var (r, g, b) = StackedMnistDataset.Digits((int)modes[i]);
            int[] channelDigits = [.. Enumerable.Range(0, 3).Select(c => (bytes[i * 12 + c * 4] - 5) / 8 % 10)];
            Assert.That(channelDigits, Is.EqualTo(new[] { r, g, b }), $"image {i}, mode {modes[i]}");
        }
        Assert.That(modes.Distinct().Count(), Is.GreaterThan(20), "three independent channels give many modes");
    }

    [Test]
    public void Stack_PoolOfTwiceTheDigits_EachDigitImageTwicePerChannel()
    {
        var (pixels, labels) = Digits();
        using var set = StackedMnistDataset.Stack(pixels, labels, 60, seed: 1);
        for (int c = 0; c < 3; c++)
        {
            using var channel = set.Pixels.select(1, c).select(1, 0).select(1, 0).to_type(ScalarType.Int64); // [60] the source byte
            var counts = channel.bincount(null, 256).data<long>().ToArray();
            Assert.That(Enumerable.Range(0, 30).Select(i => counts[8 * i + 5]), Has.All.EqualTo(2), $"channel {c}");
        }
    }

    [Test]
    public void LabelAndDigits_RoundTripEveryMode()
    {
        for (int mode = 0; mode < 1000; mode++)
        {
            var (r, g, b) = StackedMnistDataset.Digits(mode);
            Assert.That(StackedMnistDataset.Label(r, g, b), Is.EqualTo(mode));
        }
        Assert.That(StackedMnistDataset.Digits(472), Is.EqualTo((4, 7, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => StackedMnistDataset.Digits(1000));
    }

    [Test]
    public void Options_FlipAndDefaults()
    {
        var o = new StackedMnistOptions();
        Assert.That((o.ImageSize, o.Count, o.Seed, o.Flip), Is.EqualTo((32, 60_000, 0L, false)));
        Assert.That(o.Validate(), Is.Empty);
        o.Flip = true;
        Assert.That(o.Validate(), Has.One.StartsWith("flip:"));
        Assert.That(new StackedMnistOptions { Root = "r", Split = "test", ImageSize = 0 }.ToMnistOptions(),
            Has.Property("Root").EqualTo("r").And.Property("Split").EqualTo("test").And.Property("ImageSize").EqualTo(0).And.Property("Limit").EqualTo(0));
    }
}
