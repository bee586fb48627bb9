using static TorchSharp.torch;

namespace Research.Core.Adversarial;

/// <summary>
/// Diagnostics of the discriminator step that cost no host–device sync (they join the loss parts, which the loop
/// averages over its log window).
/// </summary>
public static class GanDiagnostics
{
    /// <summary>
    /// D's accuracy at each step index k = 0..T−1, as parts <c>d_acc_t{k}</c>: the share of real pairs with logit &gt; 0
    /// and generated pairs with logit &lt; 0 among the batch's samples at step k (0.5 = D cannot tell them apart at that
    /// step, 1 = it always can). A loss of 2 ln 2 averaged over t can hide one step D wins and three it cannot; this
    /// separates them. A step absent from the batch reads 0.5. Logits <c>[B]</c> or <c>[B, 1]</c>, t <c>[B]</c>.
    /// </summary>
    public static void AccuracyPerStep(Dictionary<string, Tensor> parts, Tensor realLogits, Tensor fakeLogits, Tensor t, int numSteps)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var correct = realLogits.detach().reshape(-1).gt(0).to_type(ScalarType.Float32)
            + fakeLogits.detach().reshape(-1).lt(0).to_type(ScalarType.Float32);                     // [B], 0..2
        var steps = arange(numSteps, dtype: ScalarType.Int64, device: t.device);
        var onehot = t.reshape(1, -1).eq(steps.reshape(-1, 1)).to_type(ScalarType.Float32);          // [T, B]
        var count = onehot.sum(1);                                                                    // [T]
        var accuracy = onehot.matmul(correct).add(count.eq(0).to_type(ScalarType.Float32))           // absent: 1 of 2
            .div(count.mul(2).clamp_min(2));                                                          // [T]
        for (int k = 0; k < numSteps; k++) parts[$"d_acc_t{k}"] = accuracy[k].MoveToOuterDisposeScope();
    }
}
