using static TorchSharp.torch;

namespace Research.Core.IO.PyTorch;

// The values the restricted unpickler builds besides strings, numbers, booleans, null, tuples (object?[]) and lists
// (List<object?>). Internal: only PyTorchStateDict reads them.

/// <summary>A global the reader allows (<c>module.name</c>), on the stack until a REDUCE calls it or a persistent id names it.</summary>
internal sealed record PickledGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A storage named by a persistent id: its element type, its member <c>data/&lt;key&gt;</c> of the archive, and its element count.</summary>
internal sealed record PickledStorage(ScalarType Dtype, string Key, long Numel);

/// <summary>A tensor rebuilt by <c>torch._utils._rebuild_tensor_v2</c>: a strided view of a storage.</summary>
internal sealed record PickledTensor(PickledStorage Storage, long Offset, long[] Size, long[] Stride);

/// <summary>A dict or <c>collections.OrderedDict</c>, its insertion order kept.</summary>
internal sealed class PickledDict
{
    private readonly Dictionary<object, int> _index = [];

    public List<KeyValuePair<object?, object?>> Items { get; } = [];

    public void Set(object? key, object? value)
    {
        var k = key ?? NullKey;
        if (_index.TryGetValue(k, out int i)) Items[i] = new(key, value);
        else
        {
            _index[k] = Items.Count;
            Items.Add(new(key, value));
        }
    }

    public bool TryGet(string key, out object? value)
    {
        value = _index.TryGetValue(key, out int i) ? Items[i].Value : null;
        return _index.ContainsKey(key);
    }

    private static readonly object NullKey = new();
}
