using Research.Core.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Evaluation.Features;

/// <summary>
/// A small convolutional classifier for 28×28 / 32×32 images, trained by the framework on the data set it evaluates
/// (MNIST, Fashion-MNIST): its penultimate layer gives features for FID/KID/precision-recall and its softmax the
/// class probabilities for the Inception Score, where the ImageNet Inception network does not fit grey digits.
/// </summary>
/// <remarks>
/// conv3×3(w) → ReLU → conv3×3(w) → ReLU → max-pool 2 → conv3×3(2w) → ReLU → conv3×3(2w) → ReLU → max-pool 2 →
/// adaptive average pool 4×4 → fc(feature_dim) → ReLU (features) → fc(num_classes) (logits). The adaptive pool makes
/// 28×28 and 32×32 inputs share one set of weights. Features from a domain classifier rather than Inception follow
/// common practice for MNIST-scale FID (e.g. the LeNet-based MNIST FID); numbers are comparable only with the same
/// weights, which <see cref="IFeatureExtractor.IdentityHash"/> tracks.
/// </remarks>
public sealed class FeatureCnn : nn.Module<Tensor, Tensor>
{
    private readonly SafeConv2d conv1, conv2, conv3, conv4;
    private readonly Linear fc1, fc2;

    /// <summary>Builds the network (weights from TorchSharp's default initialisers, i.e. the global generator).</summary>
    public FeatureCnn(FeatureCnnOptions options) : base("feature_cnn")
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
        Options = options;
        int w = options.Width;
        conv1 = new SafeConv2d(options.InChannels, w, 3, padding: 1);
        conv2 = new SafeConv2d(w, w, 3, padding: 1);
        conv3 = new SafeConv2d(w, 2 * w, 3, padding: 1);
        conv4 = new SafeConv2d(2 * w, 2 * w, 3, padding: 1);
        fc1 = nn.Linear(2 * w * 16, options.FeatureDim);
        fc2 = nn.Linear(options.FeatureDim, options.NumClasses);
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public FeatureCnnOptions Options { get; }

    /// <summary>Logits <c>[N, K]</c> of images <c>[N, C, H, W]</c> in [−1, 1].</summary>
    public override Tensor forward(Tensor x)
    {
        using var features = Features(x);
        return fc2.call(features);
    }

    /// <summary>Penultimate features <c>[N, feature_dim]</c> (after ReLU).</summary>
    public Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(conv2.call(nn.functional.relu(conv1.call(x))));        // [N, w, H, W]
        h = nn.functional.max_pool2d(h, 2);                                             // [N, w, H/2, W/2]
        h = nn.functional.relu(conv4.call(nn.functional.relu(conv3.call(h))));            // [N, 2w, H/2, W/2]
        h = nn.functional.max_pool2d(h, 2);                                             // [N, 2w, H/4, W/4]
        h = nn.functional.adaptive_avg_pool2d(h, [4, 4]).flatten(1);                    // [N, 32w]
        return nn.functional.relu(fc1.call(h)).MoveToOuterDisposeScope();               // [N, feature_dim]
    }

    /// <summary>Features <c>[N, feature_dim]</c> and logits <c>[N, K]</c> from one pass.</summary>
    public (Tensor Features, Tensor Logits) FeaturesAndLogits(Tensor x)
    {
        var features = Features(x);
        return (features, fc2.call(features));
    }
}
