using System.Globalization;
using System.Text.Json;
using Research.Core.Backbones;
using Research.Core.IO;
using Research.Models.UNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.UNet;

/// <summary>
/// Weight compatibility with guided-diffusion: the networks built from the reference constructor arguments load the
/// reference state dicts by key (strict) and reproduce the reference float32 outputs within 1e-5 (tests/data/reference/README.md).
/// </summary>
public class UNetParityTests
{
    private const double Tolerance = 1e-5;

    private static string Parity(string file) => Path.Combine(TestPaths.ReferenceData, "parity", file);

    /// <summary>Our options from the reference <c>constructor_kwargs</c> (attention_resolutions there are downsampling factors).</summary>
    private static (UNetOptions Options, BackboneRequest Request) FromConfig(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Parity(name + ".config.json")));
        var k = doc.RootElement.GetProperty("constructor_kwargs");
        int imageSize = k.GetProperty("image_size").GetInt32();
        var options = new UNetOptions
        {
            ImageSize = imageSize,
            ModelChannels = k.GetProperty("model_channels").GetInt32(),
            NumResBlocks = k.GetProperty("num_res_blocks").GetInt32(),
            AttentionResolutions = k.GetProperty("attention_resolutions").EnumerateArray().Select(ds => imageSize / ds.GetInt32()).ToList(),
            Dropout = k.GetProperty("dropout").GetDouble(),
            ChannelMult = k.GetProperty("channel_mult").EnumerateArray().Select(m => m.GetDouble()).ToList(),
            ConvResample = k.GetProperty("conv_resample").GetBoolean(),
            NumHeads = k.GetProperty("num_heads").GetInt32(),
            NumHeadChannels = k.GetProperty("num_head_channels").GetInt32(),
            NumHeadsUpsample = k.GetProperty("num_heads_upsample").GetInt32(),
            UseScaleShiftNorm = k.GetProperty("use_scale_shift_norm").GetBoolean(),
            ResblockUpdown = k.GetProperty("resblock_updown").GetBoolean(),
            UseNewAttentionOrder = k.GetProperty("use_new_attention_order").GetBoolean(),
        };
        bool pooled = k.TryGetProperty("pool", out var pool);
        if (pooled) options.Pool = pool.GetString()!;
        var request = new BackboneRequest("parity", k.GetProperty("in_channels").GetInt32(), k.GetProperty("out_channels").GetInt32(),
            pooled ? BackboneOutput.Pooled : BackboneOutput.Dense)
        {
            NumClasses = k.TryGetProperty("num_classes", out var nc) && nc.ValueKind == JsonValueKind.Number ? nc.GetInt32() : 0,
        };
        return (options, request);
    }

    [TestCase("unet_small", typeof(UNetModel))]
    [TestCase("encoder_small", typeof(EncoderUNetModel))]
    [TestCase("gd_unet_learn_sigma_64", typeof(UNetModel))]
    [TestCase("gd_unet_128", typeof(UNetModel))]
    [TestCase("gd_encoder_adaptive", typeof(EncoderUNetModel))]
    [TestCase("gd_encoder_attention", typeof(EncoderUNetModel))]
    [TestCase("gd_encoder_spatial", typeof(EncoderUNetModel))]
    [TestCase("gd_encoder_spatial_v2", typeof(EncoderUNetModel))]
    public void Parameters_ReferenceConfig_SameNamesOrderShapesAndCounts(string name, Type expectedType)
    {
        var (options, request) = FromConfig(name);
        using var net = UNetFactory.Create(options, request);
        Assert.That(net, Is.InstanceOf(expectedType));
        var ours = net.named_parameters().Select(p => (p.name, Shape: string.Join(", ", p.parameter.shape), Numel: p.parameter.numel())).ToList();
        var lines = File.ReadAllLines(Parity(name + ".params.txt"));
        var reference = lines.Where(l => !l.StartsWith('#') && l.Length > 0).Select(l => l.Split('\t')).Select(f =>
            (Name: f[0], Shape: f[1].Trim('(', ')').TrimEnd(','), Numel: long.Parse(f[2], CultureInfo.InvariantCulture))).ToList();
        long total = long.Parse(lines.Single(l => l.StartsWith("# total_numel")).Split('\t')[1], CultureInfo.InvariantCulture);

        Assert.That(ours.Select(p => p.name), Is.EqualTo(reference.Select(r => r.Name)), "names in state-dict order");
        Assert.That(ours.Select(p => p.Shape), Is.EqualTo(reference.Select(r => r.Shape)), "shapes");
        Assert.That(ours.Select(p => p.Numel), Is.EqualTo(reference.Select(r => r.Numel)), "numel");
        Assert.That(ours.Sum(p => p.Numel), Is.EqualTo(total));
    }

    [TestCase("unet_small")]
    [TestCase("encoder_small")]
    [TestCase("gd_unet_learn_sigma_64")]
    [TestCase("gd_unet_128")]
    [TestCase("gd_encoder_adaptive")]
    [TestCase("gd_encoder_attention")]
    [TestCase("gd_encoder_spatial")]
    [TestCase("gd_encoder_spatial_v2")]
    public void Forward_ReferenceWeightsAndInputs_MatchReferenceOutputWithin1e5(string name)
    {
        var (options, request) = FromConfig(name);
        using var net = UNetFactory.Create(options, request);
        var (weights, _) = SafeTensors.Read(Parity(name + ".safetensors"));
        var (io, _) = SafeTensors.Read(Parity(name + ".io.safetensors"));
        try
        {
            StateDictLoader.LoadStrict(net, weights, name);
            net.eval();
            using var _ = no_grad();
            using var output = net.call(io["in.x"], io["in.timesteps"], io.GetValueOrDefault("in.y"), null);
            var expected = io["out"];
            Assert.That(output.shape, Is.EqualTo(expected.shape));
            double maxAbs = (output - expected).abs().max().item<float>();
            // The gd_* fixtures keep only the float32 output (their config records the float32-vs-float64 gap).
            double maxAbs64 = io.TryGetValue("out_f64", out var out64) ? (output.to_type(ScalarType.Float64) - out64).abs().max().item<double>() : 0;
            TestContext.Out.WriteLine($"{name}: max |ours − reference fp32| = {maxAbs:E3}, max |ours − reference fp64| = {maxAbs64:E3}, max |out| = {expected.abs().max().item<float>():F4}");
            Assert.That(expected.abs().max().item<float>(), Is.GreaterThan(1e-3f), "the reference output is not trivially zero");
            Assert.That(maxAbs, Is.LessThanOrEqualTo(Tolerance));
            Assert.That(maxAbs64, Is.LessThanOrEqualTo(Tolerance));
        }
        finally
        {
            foreach (var t in weights.Values.Concat(io.Values)) t.Dispose();
        }
    }

    [TestCase("spatial")]
    [TestCase("spatial_v2")]
    public void Create_SpatialPool_EncoderBuildsDenoiserIgnoresDiscriminatorWithHeadsRefused(string pool)
    {
        var options = new UNetOptions { ImageSize = 8, ModelChannels = 8, NumResBlocks = 1, ChannelMult = [1, 2], AttentionResolutions = [], Pool = pool };
        using (var encoder = UNetFactory.Create(options, new BackboneRequest("classifier", 1, 3, BackboneOutput.Pooled)))
        using (var x = randn(2, 1, 8, 8))
        using (var t = tensor(new long[] { 1, 2 }))
        using (var logits = encoder.call(x, t, null, null))
            Assert.That(logits.shape, Is.EqualTo(new long[] { 2, 3 }));
        using (var denoiser = UNetFactory.Create(options, new BackboneRequest("denoiser", 1, 1, BackboneOutput.Dense)))
            Assert.That(denoiser, Is.InstanceOf<UNetModel>(), "a shared pool option does not concern a dense network");
        var headed = new BackboneRequest("discriminator", 1, 1, BackboneOutput.Pooled) { Heads = [new BackboneHead("aux", 1, BackboneOutput.Dense)] };
        var e = Assert.Throws<ArgumentException>(() => UNetFactory.Create(options, headed));
        Assert.That(e!.Message, Does.Contain($"pool: '{pool}' pools every encoder block").And.Contain("'discriminator'"));
    }

    [Test]
    public void LoadStrict_WeightsOfAnotherConfig_RefusedNamingTheKeys()
    {
        var (options, request) = FromConfig("unet_small");
        options.ModelChannels = 64;
        using var net = UNetFactory.Create(options, request with { NumClasses = 0 });
        var (weights, _) = SafeTensors.Read(Parity("unet_small.safetensors"));
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => StateDictLoader.LoadStrict(net, weights, "unet_small"));
            Assert.That(e!.Message, Does.Contain("'time_embed.0.weight' has shape [128, 32], the network expects [256, 64]")
                .And.Contain("unexpected key 'label_emb.weight'"));
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }
}
