using Research.Core.Backbones;
using Research.Core.Data;
using Research.Core.Parameterizations;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Contracts;

/// <summary>
/// The frame of a test family with one network, "denoiser" (the registry's 2 → 2 backbone): its loss terms are the
/// test's; sampling returns zeros with 1 NFE. Register with <c>AddParameterization</c> under the networks ["denoiser"].
/// </summary>
public abstract class OneNetworkTestFamily : IParameterization
{
    /// <summary>Builds the network from the context's backbone factory.</summary>
    protected OneNetworkTestFamily(BuildContext context)
    {
        Network = context.Backbones.Create(new BackboneRequest("denoiser", 2, 2));
        Networks = new Dictionary<string, nn.Module> { ["denoiser"] = Network };
    }

    /// <summary>The one network.</summary>
    protected Backbone Network { get; }

    /// <summary>The network's output at t = 0 on <paramref name="batch"/>'s x₀ <c>[B, 2]</c>.</summary>
    protected Tensor Forward(TrainBatch batch) => Network.call(batch.X0, zeros([batch.Size], int64), null, null);

    /// <inheritdoc />
    public IReadOnlyDictionary<string, nn.Module> Networks { get; }

    /// <inheritdoc />
    public abstract IEnumerable<LossTerm> LossTerms(TrainBatch batch, StepInfo step);

    /// <inheritdoc />
    public Tensor Sample(SampleRequest request) => zeros(request.NumSamples, 2);

    /// <inheritdoc />
    public int NumFunctionEvaluations(SampleRequest request) => 1;

    /// <inheritdoc />
    public void Dispose() => Network.Dispose();
}
