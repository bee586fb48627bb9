using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using static TorchSharp.torch;

namespace Research.Core.IO.PyTorch;

/// <summary>
/// Reads the pickle of a <c>torch.save</c> archive (<c>data.pkl</c>) without running anything it names: a pickle opcode
/// machine for the subset state dicts use (protocols 2–5: containers, strings, numbers, memo, persistent ids), whose only
/// callables are a fixed list of globals, each interpreted here rather than looked up and called — an <c>OrderedDict</c>,
/// the tensor and parameter rebuild functions, the typed storage classes. Any other global (<c>os.system</c>,
/// <c>builtins.eval</c>, a model class …), any other opcode, a REDUCE of anything but those callables, and a BUILD of
/// anything but a dict are refused with <see cref="InvalidDataException"/> naming the source, the byte offset in the pickle
/// and the global or opcode — before any tensor exists.
/// </summary>
internal sealed class RestrictedUnpickler
{
    /// <summary>The typed storage classes a persistent id may name, and their element types.</summary>
    public static readonly IReadOnlyDictionary<string, ScalarType> Storages = new Dictionary<string, ScalarType>
    {
        ["FloatStorage"] = ScalarType.Float32, ["DoubleStorage"] = ScalarType.Float64, ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16, ["LongStorage"] = ScalarType.Int64, ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16, ["CharStorage"] = ScalarType.Int8, ["ByteStorage"] = ScalarType.Byte,
        ["BoolStorage"] = ScalarType.Bool,
    };

    private static readonly HashSet<string> Callables =
    [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
    ];

    /// <summary>Every global a pickle may name, for messages.</summary>
    public static string AllowedGlobals => string.Join(", ", Callables.Order()) + ", torch.<Type>Storage";

    private const int MaxStackItems = 1_000_000;
    private readonly byte[] _data;
    private readonly string _source;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _pos;

    private RestrictedUnpickler(byte[] data, string source)
    {
        _data = data;
        _source = source;
    }

    /// <summary>The object <paramref name="pickle"/> holds; <paramref name="source"/> (file and member) names it in errors.</summary>
    public static object? Load(byte[] pickle, string source) => new RestrictedUnpickler(pickle, source).Run();

    private object? Run()
    {
        while (true)
        {
            if (_pos >= _data.Length) throw Error(_pos, "the pickle ends without a STOP opcode (truncated)");
            int at = _pos;
            byte op = _data[_pos++];
            switch (op)
            {
                case 0x80: Take(1); break;                                                  // PROTO
                case 0x95: Take(8); break;                                                  // FRAME (a length hint)
                case (byte)'.':                                                             // STOP
                    if (_stack.Count != 1 || _marks.Count != 0) throw Error(at, "STOP with an unbalanced stack");
                    return _stack[0];
                case (byte)'(': _marks.Push(_stack.Count); break;                           // MARK
                case (byte)'}': Push(at, new PickledDict()); break;                         // EMPTY_DICT
                case (byte)']': Push(at, new List<object?>()); break;                       // EMPTY_LIST
                case (byte)')': Push(at, Array.Empty<object?>()); break;                    // EMPTY_TUPLE
                case (byte)'t': Push(at, PopMark(at).ToArray()); break;                     // TUPLE
                case 0x85: { var a = Pop(at); Push(at, new[] { a }); break; }               // TUPLE1
                case 0x86: { var b = Pop(at); var a = Pop(at); Push(at, new[] { a, b }); break; }   // TUPLE2
                case 0x87: { var c = Pop(at); var b = Pop(at); var a = Pop(at); Push(at, new[] { a, b, c }); break; }   // TUPLE3
                case (byte)'l': Push(at, PopMark(at)); break;                               // LIST
                case (byte)'d': Push(at, SetItems(at, new PickledDict(), PopMark(at))); break;   // DICT
                case (byte)'s': { var v = Pop(at); var k = Pop(at); Top<PickledDict>(at, "SETITEM").Set(k, v); break; }
                case (byte)'u': { var items = PopMark(at); SetItems(at, Top<PickledDict>(at, "SETITEMS"), items); break; }
                case (byte)'a': { var v = Pop(at); Top<List<object?>>(at, "APPEND").Add(v); break; }
                case (byte)'e': { var items = PopMark(at); Top<List<object?>>(at, "APPENDS").AddRange(items); break; }
                case (byte)'q': _memo[Take(1)[0]] = Peek(at); break;                        // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(at); break;   // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(at); break;                            // MEMOIZE
                case (byte)'h': Push(at, Memo(at, Take(1)[0])); break;                      // BINGET
                case (byte)'j': Push(at, Memo(at, BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;   // LONG_BINGET
                case (byte)'X': Push(at, Text(at, BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;   // BINUNICODE
                case 0x8c: Push(at, Text(at, Take(1)[0])); break;                           // SHORT_BINUNICODE
                case 0x8d: Push(at, Text(at, BinaryPrimitives.ReadUInt64LittleEndian(Take(8)))); break;   // BINUNICODE8
                case (byte)'C': Push(at, Bytes(at, Take(1)[0])); break;                     // SHORT_BINBYTES
                case (byte)'B': Push(at, Bytes(at, BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break;   // BINBYTES
                case (byte)'J': Push(at, (long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break;   // BININT
                case (byte)'K': Push(at, (long)Take(1)[0]); break;                          // BININT1
                case (byte)'M': Push(at, (long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break;   // BININT2
                case 0x8a: Push(at, Long(at, Take(1)[0])); break;                           // LONG1
                case (byte)'G': Push(at, BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break;   // BINFLOAT
                case 0x88: Push(at, true); break;                                           // NEWTRUE
                case 0x89: Push(at, false); break;                                          // NEWFALSE
                case (byte)'N': Push(at, null); break;                                      // NONE
                case (byte)'0': Pop(at); break;                                             // POP
                case (byte)'1': PopMark(at); break;                                         // POP_MARK
                case (byte)'2': Push(at, Peek(at)); break;                                  // DUP
                case (byte)'c': Push(at, Global(at, Line(at), Line(at))); break;            // GLOBAL
                case 0x93:                                                                  // STACK_GLOBAL
                {
                    var name = Pop(at) as string;
                    var module = Pop(at) as string;
                    if (name is null || module is null) throw Error(at, "STACK_GLOBAL without a module and a name");
                    Push(at, Global(at, module, name));
                    break;
                }
                case (byte)'Q': Push(at, PersistentStorage(at, Pop(at))); break;            // BINPERSID
                case (byte)'R': { var args = Pop(at); var f = Pop(at); Push(at, Reduce(at, f, args)); break; }   // REDUCE
                case (byte)'b': { var state = Pop(at); Build(at, Peek(at), state); break; } // BUILD
                default:
                    throw Error(at, string.Create(CultureInfo.InvariantCulture,
                        $"pickle opcode 0x{op:x2}{(op is >= 0x20 and < 0x7f ? $" ('{(char)op}')" : "")} is not one a state dict uses; refusing the file"));
            }
        }
    }

    // Only the allowed names exist; every other one is refused where it appears, before anything could call it.
    private PickledGlobal Global(int at, string module, string name)
    {
        var full = $"{module}.{name}";
        if (Callables.Contains(full) || (module == "torch" && Storages.ContainsKey(name))) return new PickledGlobal(module, name);
        throw Error(at, $"pickle global '{full}' is not allowed: this reader loads only tensors and plain containers and never runs " +
                        $"pickled code (allowed globals: {AllowedGlobals}); refusing the file");
    }

    private object Reduce(int at, object? callable, object? args)
    {
        if (callable is not PickledGlobal g || !Callables.Contains(g.ToString()))
            throw Error(at, $"REDUCE calls {Describe(callable)}, which is not one of {string.Join(", ", Callables.Order())}; refusing the file");
        if (args is not object?[] a) throw Error(at, $"REDUCE of {g} without an argument tuple");
        switch (g.ToString())
        {
            case "collections.OrderedDict":
                if (a.Length != 0) throw Error(at, "collections.OrderedDict called with arguments (a state dict pickles it empty, then sets items)");
                return new PickledDict();
            case "torch._utils._rebuild_tensor_v2":
                if (a.Length is < 6 or > 7 || a[0] is not PickledStorage storage || a[1] is not long offset)
                    throw Error(at, "torch._utils._rebuild_tensor_v2 called with arguments other than (storage, offset, size, stride, requires_grad, hooks[, metadata])");
                return new PickledTensor(storage, offset, Longs(at, a[2], "size"), Longs(at, a[3], "stride"));
            default:                                                                        // the parameter rebuilds: (tensor, requires_grad, hooks[, state])
                if (a.Length < 1 || a[0] is not PickledTensor tensor) throw Error(at, $"{g} called without a tensor");
                return tensor;
        }
    }

    // A dict's BUILD state (an OrderedDict's instance attributes, e.g. a state dict's _metadata) is read and dropped.
    private void Build(int at, object? target, object? state)
    {
        if (target is not PickledDict || state is not (PickledDict or object?[] or null))
            throw Error(at, $"BUILD sets the state of {Describe(target)}; only a dict's attributes are accepted; refusing the file");
    }

    // ('storage', torch.<Type>Storage, key, location, numel), as torch.save writes for each storage.
    private PickledStorage PersistentStorage(int at, object? pid)
    {
        if (pid is object?[] { Length: 5 } t && t[0] is "storage" && t[1] is PickledGlobal { Module: "torch" } type
            && Storages.TryGetValue(type.Name, out var dtype) && t[2] is string key && t[3] is string && t[4] is long numel && numel >= 0)
            return new PickledStorage(dtype, key, numel);
        throw Error(at, $"persistent id {Describe(pid)} is not a storage reference ('storage', torch.<Type>Storage, key, location, numel)");
    }

    private long[] Longs(int at, object? value, string what) =>
        value is object?[] t && t.All(v => v is long) ? t.Select(v => (long)v!).ToArray()
            : throw Error(at, $"torch._utils._rebuild_tensor_v2: the {what} is not a tuple of integers");

    private PickledDict SetItems(int at, PickledDict dict, List<object?> items)
    {
        if (items.Count % 2 != 0) throw Error(at, "SETITEMS with an odd number of items");
        for (int i = 0; i < items.Count; i += 2) dict.Set(items[i], items[i + 1]);
        return dict;
    }

    private T Top<T>(int at, string op) where T : class =>
        Peek(at) as T ?? throw Error(at, $"{op} on {Describe(Peek(at))}");

    private void Push(int at, object? value)
    {
        if (_stack.Count >= MaxStackItems) throw Error(at, $"the pickle stack grows beyond {MaxStackItems} items");
        _stack.Add(value);
    }

    private object? Pop(int at)
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count <= _marks.Peek())) throw Error(at, "the opcode pops an empty stack");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Peek(int at) => _stack.Count > 0 ? _stack[^1] : throw Error(at, "the opcode reads an empty stack");

    private List<object?> PopMark(int at)
    {
        if (_marks.Count == 0) throw Error(at, "the opcode needs a MARK and there is none");
        int mark = _marks.Pop();
        var items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private object? Memo(int at, long index) =>
        _memo.TryGetValue(index, out var v) ? v : throw Error(at, $"memo entry {index} is read before it is written");

    private ReadOnlySpan<byte> Take(long n)
    {
        if (n > _data.Length - _pos) throw Error(_pos, $"the pickle ends inside an opcode's argument ({n} bytes wanted, {_data.Length - _pos} left)");
        var span = _data.AsSpan(_pos, (int)n);
        _pos += (int)n;
        return span;
    }

    private string Text(int at, ulong length) =>
        length > int.MaxValue ? throw Error(at, "a string longer than 2 GiB") : Encoding.UTF8.GetString(Take((long)length));

    private byte[] Bytes(int at, ulong length) =>
        length > int.MaxValue ? throw Error(at, "a bytes object longer than 2 GiB") : Take((long)length).ToArray();

    private long Long(int at, int length)
    {
        if (length > 8) throw Error(at, $"an integer of {length} bytes (at most 8 are read)");
        var bytes = Take(length);
        long v = 0;
        for (int i = length - 1; i >= 0; i--) v = (v << 8) | bytes[i];
        if (length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0) v -= 1L << (8 * length);   // two's complement sign
        return v;
    }

    private string Line(int at)
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Error(at, "GLOBAL without a newline-terminated name");
        var s = Encoding.UTF8.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s;
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        PickledGlobal g => g.ToString(),
        PickledDict => "a dict",
        PickledTensor => "a tensor",
        PickledStorage => "a storage",
        string s => $"the string '{(s.Length > 40 ? s[..40] + "…" : s)}'",
        object?[] t => $"a tuple of {t.Length}",
        List<object?> => "a list",
        _ => $"a {value.GetType().Name}",
    };

    private InvalidDataException Error(int offset, string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{_source}: byte {offset}: {message}"));
}
