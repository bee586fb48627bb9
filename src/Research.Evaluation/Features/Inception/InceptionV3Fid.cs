using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Evaluation.Features.Inception;

/// <summary>
/// The Inception-v3 of FID in the layout of pytorch-fid (<c>fid_inception_v3</c>): torchvision's Inception3 with the
/// FID blocks (<see cref="FidInceptionA"/>, <see cref="FidInceptionC"/>, <see cref="FidInceptionE"/>), no auxiliary
/// classifier and a 1008-class head. Parameter names match the state dict of pytorch-fid's weight file
/// (<c>pt_inception-2015-12-05-6726825d.pth</c>: <c>Conv2d_1a_3x3.conv.weight</c>, <c>Mixed_7c.branch_pool.bn.running_var</c>,
/// <c>fc.weight</c>, …), so a safetensors copy of it loads without a mapping table.
/// </summary>
/// <remarks>
/// Szegedy et al. 2016, "Rethinking the Inception Architecture" (arXiv:1512.00567); the TensorFlow graph of 2015-12-05
/// used by FID (Heusel et al. 2017, arXiv:1706.08500) and the Inception Score (Salimans et al. 2016,
/// arXiv:1606.03498). Input: <c>[N, 3, 299, 299]</c> in [−1, 1], already resized (see
/// <see cref="InceptionFeatureExtractor"/>). <see cref="forward"/> returns the 2048-d pool_3 features (pytorch-fid's
/// block 3 output); <see cref="Logits"/> applies the head to them.
/// </remarks>
public sealed class InceptionV3Fid : nn.Module<Tensor, Tensor>
{
    /// <summary>pool_3 feature dimension.</summary>
    public const int FeatureDim = 2048;

    /// <summary>Classes of the 2015 TensorFlow head (1000 ImageNet classes + 8 unused).</summary>
    public const int NumClasses = 1008;

    private readonly BasicConv2d Conv2d_1a_3x3, Conv2d_2a_3x3, Conv2d_2b_3x3, Conv2d_3b_1x1, Conv2d_4a_3x3;
    private readonly FidInceptionA Mixed_5b, Mixed_5c, Mixed_5d;
    private readonly InceptionB Mixed_6a;
    private readonly FidInceptionC Mixed_6b, Mixed_6c, Mixed_6d, Mixed_6e;
    private readonly InceptionD Mixed_7a;
    private readonly FidInceptionE Mixed_7b, Mixed_7c;
    private readonly Linear fc;

    /// <summary>Builds the network with TorchSharp's default initialisation (load weights before use).</summary>
    public InceptionV3Fid() : base("InceptionV3Fid")
    {
        Conv2d_1a_3x3 = new BasicConv2d(3, 32, 3, stride: 2);
        Conv2d_2a_3x3 = new BasicConv2d(32, 32, 3);
        Conv2d_2b_3x3 = new BasicConv2d(32, 64, 3, padding: 1);
        Conv2d_3b_1x1 = new BasicConv2d(64, 80, 1);
        Conv2d_4a_3x3 = new BasicConv2d(80, 192, 3);
        Mixed_5b = new FidInceptionA(192, 32);
        Mixed_5c = new FidInceptionA(256, 64);
        Mixed_5d = new FidInceptionA(288, 64);
        Mixed_6a = new InceptionB(288);
        Mixed_6b = new FidInceptionC(768, 128);
        Mixed_6c = new FidInceptionC(768, 160);
        Mixed_6d = new FidInceptionC(768, 160);
        Mixed_6e = new FidInceptionC(768, 192);
        Mixed_7a = new InceptionD(768);
        Mixed_7b = new FidInceptionE(1280, maxPool: false);
        Mixed_7c = new FidInceptionE(2048, maxPool: true);
        fc = nn.Linear(FeatureDim, NumClasses);
        RegisterComponents();
    }

    /// <summary>pool_3 features <c>[N, 2048]</c> of preprocessed images <c>[N, 3, 299, 299]</c> in [−1, 1].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // Block 0: 299 → 149 → 147 → 147 → max-pool → 73
        var h = Conv2d_2b_3x3.call(Conv2d_2a_3x3.call(Conv2d_1a_3x3.call(x)));
        h = nn.functional.max_pool2d(h, 3, stride: 2);
        // Block 1: 73 → 71 → max-pool → 35
        h = Conv2d_4a_3x3.call(Conv2d_3b_1x1.call(h));
        h = nn.functional.max_pool2d(h, 3, stride: 2);
        // Block 2: 35 → 17
        h = Mixed_5d.call(Mixed_5c.call(Mixed_5b.call(h)));
        h = Mixed_6e.call(Mixed_6d.call(Mixed_6c.call(Mixed_6b.call(Mixed_6a.call(h)))));
        // Block 3: 17 → 8 → global average pool
        h = Mixed_7c.call(Mixed_7b.call(Mixed_7a.call(h)));                         // [N, 2048, 8, 8]
        return nn.functional.adaptive_avg_pool2d(h, [1, 1]).flatten(1).MoveToOuterDisposeScope(); // [N, 2048]
    }

    /// <summary>Logits <c>[N, 1008]</c> of pool_3 features <c>[N, 2048]</c> (torchvision's head; dropout is off at eval).</summary>
    public Tensor Logits(Tensor pool3) => fc.call(pool3);
}
