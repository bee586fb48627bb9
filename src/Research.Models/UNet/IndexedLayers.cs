using TorchSharp;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// An <c>nn.Sequential</c> whose children are registered under their positions ("0", "1", …), so state-dict keys
/// read <c>in_layers.2.weight</c> exactly as in guided-diffusion. Unlike TorchSharp's Sequential, children can be
/// fetched by position with their type, because several ADM blocks call their layers one by one (the scale-shift
/// norm sits between <c>out_layers[0]</c> and <c>out_layers[1:]</c>).
/// </summary>
/// <remarks>Registration is explicit (<c>register_module</c>): a C# field cannot be named "0".</remarks>
public sealed class IndexedLayers : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor>[] _layers;

    /// <summary>Registers <paramref name="layers"/> under "0", "1", ….</summary>
    public IndexedLayers(params nn.Module<Tensor, Tensor>[] layers) : base("IndexedLayers")
    {
        _layers = layers;
        for (int i = 0; i < layers.Length; i++) register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), layers[i]);
    }

    /// <summary>Number of layers.</summary>
    public int Count => _layers.Length;

    /// <summary>The layer at <paramref name="index"/>, typed.</summary>
    public T At<T>(int index) where T : nn.Module<Tensor, Tensor> =>
        _layers[index] as T ?? throw new InvalidCastException($"layer {index} is {_layers[index].GetType().Name}, not {typeof(T).Name}");

    /// <summary>Applies layers <paramref name="from"/> … end in order.</summary>
    public Tensor ForwardFrom(int from, Tensor x)
    {
        var h = x;
        for (int i = from; i < _layers.Length; i++)
        {
            var next = _layers[i].call(h);
            if (!ReferenceEquals(h, x)) h.Dispose();
            h = next;
        }
        return ReferenceEquals(h, x) ? x.alias() : h;
    }

    /// <summary>Applies every layer in order; the input's shape rules are the layers'.</summary>
    public override Tensor forward(Tensor x) => ForwardFrom(0, x);
}
