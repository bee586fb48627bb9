using Research.Core.IO;
using Research.Models.Embeddings;
using static TorchSharp.torch;

namespace Research.UnitTests.UNet;

/// <summary>
/// guided-diffusion's <c>timestep_embedding</c> against what the official code computed
/// (tests/data/reference/golden/timestep_embedding.*), at powers of two, at 192 (the ImageNet-64 model's width: half 96,
/// not a power of two), at 320 and 384, and at an odd width: the frequencies bit for bit, the embedding to one ulp.
/// </summary>
public class TimestepEmbeddingParityTests
{
    private static Dictionary<string, Tensor> Reference() =>
        SafeTensors.Read(Path.Combine(TestPaths.ReferenceData, "golden", "timestep_embedding.safetensors")).Item1;

    // Indices where a and b differ in any bit.
    private static List<long> Differing(Tensor a, Tensor b)
    {
        var x = a.contiguous().data<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
        var y = b.contiguous().data<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
        Assert.That(x.Length, Is.EqualTo(y.Length), "element count");
        return Enumerable.Range(0, x.Length).Where(i => x[i] != y[i]).Select(i => (long)i).ToList();
    }

    [TestCase(32)]
    [TestCase(128)]
    [TestCase(192)]
    [TestCase(256)]
    [TestCase(320)]
    [TestCase(384)]
    public void Frequencies_Adm_EqualGuidedDiffusionBitForBit(int dim)
    {
        var reference = Reference();
        try
        {
            using var ours = SinusoidalEmbedding.Frequencies(dim / 2);
            var expected = reference[$"freqs.{dim}"];
            Assert.That(ours.shape, Is.EqualTo(expected.shape));
            var differ = Differing(ours, expected);
            Assert.That(differ, Is.Empty, $"{differ.Count} of {dim / 2} frequencies differ from guided-diffusion's (first at k = {differ.FirstOrDefault()})");
        }
        finally
        {
            foreach (var t in reference.Values) t.Dispose();
        }
    }

    [TestCase(32)]
    [TestCase(128)]
    [TestCase(192)]
    [TestCase(256)]
    [TestCase(320)]
    [TestCase(384)]
    [TestCase(33)]
    public void Embed_Adm_EqualsGuidedDiffusionToOneUlp(int dim)
    {
        // The arguments t·freq are then guided-diffusion's bit for bit; cos and sin are libtorch's, whose builds differ in
        // the last bit for a few percent of arguments (TorchSharp's libtorch 2.10 against PyTorch 1.13's): one ulp, ≤ 6e-8.
        var reference = Reference();
        try
        {
            using var ours = SinusoidalEmbedding.Embed(reference["t"], dim);
            var expected = reference[$"emb.{dim}"];
            Assert.That(ours.shape, Is.EqualTo(expected.shape));
            var x = ours.contiguous().data<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
            var y = expected.contiguous().data<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
            long maxUlps = Enumerable.Range(0, x.Length).Max(i => Math.Abs((long)x[i] - y[i]));
            TestContext.Out.WriteLine($"dim {dim}: {Differing(ours, expected).Count} of {x.Length} values differ, by at most {maxUlps} ulp");
            Assert.That(maxUlps, Is.LessThanOrEqualTo(1), "every value within one ulp of guided-diffusion's (the old frequencies gave up to 3e-5 at dim 192)");
        }
        finally
        {
            foreach (var t in reference.Values) t.Dispose();
        }
    }
}
