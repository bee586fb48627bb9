using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Features.Inception;

/// <summary>
/// <see cref="IFeatureExtractor"/> of FID as pytorch-fid computes it: 2048-d pool_3 features of <see cref="InceptionV3Fid"/>,
/// and its 1008-class logits for the Inception Score.
/// </summary>
/// <remarks>
/// Preprocessing, from images in [−1, 1]: optionally quantise to 8 bits (x ↦ round((x + 1)·127.5)/255, what saving
/// PNGs and reading them back, as DDGAN and pytorch-fid do, amounts to; on by default), grey images repeated to 3
/// channels, bilinear resize to 299×299 (<c>align_corners=False</c>), then 2x − 1 (pytorch-fid's
/// <c>normalize_input</c>). Weights: a safetensors file with pytorch-fid's state-dict keys (docs/metrics.md shows how
/// to convert <c>pt_inception-2015-12-05-6726825d.pth</c>). Slow on CPU (≈ 6 GFLOPs per image).
/// </remarks>
public sealed class InceptionFeatureExtractor : IFeatureExtractor
{
    /// <summary>Architecture version; with the quantisation flag it forms the identity hash's version string.</summary>
    public const string Version = "pytorch-fid-inception-v3/1";

    private readonly InceptionV3Fid _network;
    private readonly Device _device;

    /// <summary>Wraps <paramref name="network"/> (owned from now on).</summary>
    public InceptionFeatureExtractor(InceptionV3Fid network, bool quantize = true, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        _device = device ?? CPU;
        _network = network;
        _network.to(_device);
        _network.eval();
        Quantize = quantize;
    }

    /// <summary>The wrapped network (eval mode).</summary>
    public InceptionV3Fid Network => _network;

    /// <summary>Whether inputs are rounded to 8 bits first.</summary>
    public bool Quantize { get; }

    /// <inheritdoc />
    public string Name => "inception-v3-fid";

    /// <inheritdoc />
    public int FeatureDim => InceptionV3Fid.FeatureDim;

    /// <inheritdoc />
    public int NumClasses => InceptionV3Fid.NumClasses;

    /// <inheritdoc />
    public string IdentityHash => ModelIdentity.Hash(Name, $"{Version};quantize={Quantize}", _network);

    /// <summary>Loads pytorch-fid's weights from a safetensors file (strict: every key, exact shapes).</summary>
    public static InceptionFeatureExtractor Load(string path, bool quantize = true, Device? device = null)
    {
        var network = new InceptionV3Fid();
        try
        {
            SafeTensorsWeights.Load(network, path);
            return new InceptionFeatureExtractor(network, quantize, device);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Images <c>[N, 1|3, H, W]</c> in [−1, 1] → network input <c>[N, 3, 299, 299]</c> in [−1, 1] (see remarks).</summary>
    public Tensor Preprocess(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || (images.shape[1] != 1 && images.shape[1] != 3))
            throw new ArgumentException($"Expected images [N, 1 or 3, H, W], got [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = NewDisposeScope();
        var x = (images.to(float32, _device).clamp(-1, 1) + 1) / 2;                // [N, C, H, W] in [0, 1]
        if (Quantize) x = (x * 255).round() / 255;
        if (x.shape[1] == 1) x = x.expand(-1, 3, -1, -1);
        x = nn.functional.interpolate(x, [299, 299], mode: InterpolationMode.Bilinear, align_corners: false);
        return (2 * x - 1).MoveToOuterDisposeScope();                                // [N, 3, 299, 299]
    }

    /// <inheritdoc />
    public Tensor Features(Tensor images)
    {
        using var noGrad = no_grad();
        using var x = Preprocess(images);
        using var pool3 = _network.call(x);
        return pool3.to(float32, CPU);
    }

    /// <inheritdoc />
    public Tensor Logits(Tensor images)
    {
        var (features, logits) = FeaturesAndLogits(images);
        features.Dispose();
        return logits;
    }

    /// <inheritdoc />
    public (Tensor Features, Tensor Logits) FeaturesAndLogits(Tensor images)
    {
        using var noGrad = no_grad();
        using var x = Preprocess(images);
        using var pool3 = _network.call(x);
        using var logits = _network.Logits(pool3);
        return (pool3.to(float32, CPU), logits.to(float32, CPU));
    }

    /// <inheritdoc />
    public void Dispose() => _network.Dispose();
}
