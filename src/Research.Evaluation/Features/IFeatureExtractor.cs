using static TorchSharp.torch;

namespace Research.Evaluation.Features;

/// <summary>
/// A network that maps images to feature vectors (for FID, KID, precision/recall) and, optionally, to class logits
/// (for the Inception Score and guided accuracy).
/// </summary>
/// <remarks>
/// Contract: inputs are <c>[N, C, H, W]</c> float images in [−1, 1] (model space) on any device; outputs are fresh
/// float32 CPU tensors the caller owns; no gradients are recorded; calls do not change the weights. Two extractors
/// with equal <see cref="IdentityHash"/> give the same features, which is what makes cached statistics safe to reuse.
/// </remarks>
public interface IFeatureExtractor : IDisposable
{
    /// <summary>Permanent, lower-case name (it appears in results and cache file names), e.g. <c>inception-v3-fid</c>.</summary>
    string Name { get; }

    /// <summary>Feature dimension d.</summary>
    int FeatureDim { get; }

    /// <summary>Number of classes of the logits head, or 0 when there is none.</summary>
    int NumClasses { get; }

    /// <summary>
    /// SHA-256 (hex) over the name, the architecture and preprocessing version and every weight. Changes whenever a
    /// weight changes; computed when read.
    /// </summary>
    string IdentityHash { get; }

    /// <summary>Features <c>[N, FeatureDim]</c> of <paramref name="images"/> <c>[N, C, H, W]</c> in [−1, 1].</summary>
    Tensor Features(Tensor images);

    /// <summary>Logits <c>[N, NumClasses]</c>; <see cref="NotSupportedException"/> when <see cref="NumClasses"/> is 0.</summary>
    Tensor Logits(Tensor images);

    /// <summary>Features and logits from one forward pass; <see cref="NotSupportedException"/> when <see cref="NumClasses"/> is 0.</summary>
    (Tensor Features, Tensor Logits) FeaturesAndLogits(Tensor images);
}
