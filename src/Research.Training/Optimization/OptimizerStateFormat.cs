using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Research.Core.IO;
using static TorchSharp.torch;

namespace Research.Training.Optimization;

/// <summary>
/// Reads the binary state that TorchSharp's <c>OptimizerHelper.save_state_dict</c> writes for <see cref="Adam"/> and
/// <see cref="AdamW"/>, without an optimizer, so a checkpoint's optimizer state is checked before anything is built (TorchSharp's
/// own loader fails half-way with an <see cref="ArgumentException"/> or reads past the end). The layout (TorchSharp 0.107):
/// the type name (a length-prefixed UTF-8 string); the group count and the state count (LEB128); per group the options
/// (initial learning rate, learning rate, β₁, β₂, ε, weight decay as float64; amsgrad, maximize as one byte each); per parameter
/// the step (int64) and the tensors exp_avg, exp_avg_sq (dtype, rank and dims as LEB128, then the raw bytes), then a flag byte
/// and, if set, max_exp_avg_sq. Nothing may follow.
/// </summary>
public static class OptimizerStateFormat
{
    /// <summary>The optimizer types whose state this reads (the <see cref="OptimizerFactory"/> ones).</summary>
    public static readonly IReadOnlyList<string> Types = [nameof(Adam), nameof(AdamW)];

    private const int OptionsBytes = 6 * 8 + 2;

    /// <summary>
    /// Decodes <paramref name="state"/>. Throws <see cref="InvalidDataException"/> whose message starts with the byte offset in
    /// <paramref name="state"/>: a wrong type, a count or shape out of range, a truncated or over-long state, a non-finite moment
    /// (unless <paramref name="requireFinite"/> is false: a checkpoint of a diverged run is written as it is, and refused on load).
    /// </summary>
    public static OptimizerStateInfo Decode(ReadOnlySpan<byte> state, bool requireFinite = true)
    {
        int at = 0;
        int nameLength = (int)Leb128(state, ref at, "the type name's length", 64);
        if (at + nameLength > state.Length) throw Bad(at, "the type name runs past the end: truncated?");
        string type = Encoding.UTF8.GetString(state.Slice(at, nameLength));
        if (!Types.Contains(type)) throw Bad(0, $"optimizer type '{type}' is not one of {string.Join(", ", Types)}");
        at += nameLength;
        int groups = (int)Leb128(state, ref at, "the group count", 1 << 16);
        long count = Leb128(state, ref at, "the state count", state.Length);
        if (groups < 1) throw Bad(at, "no parameter group");
        var options = new List<OptimizerGroupOptions>();
        for (int g = 0; g < groups; g++)
        {
            if (at + OptionsBytes > state.Length) throw Bad(at, $"the options of group {g} run past the end: truncated?");
            var v = new double[6];
            for (int i = 0; i < 6; i++)
            {
                v[i] = BinaryPrimitives.ReadDoubleLittleEndian(state.Slice(at + 8 * i, 8));
                if (!double.IsFinite(v[i])) throw Bad(at + 8 * i, $"option {i} of group {g} is {v[i]}");
            }
            bool amsgrad = Flag(state, at + 48, $"amsgrad of group {g}");
            bool maximize = Flag(state, at + 49, $"maximize of group {g}");
            options.Add(new OptimizerGroupOptions(v[0], v[1], v[2], v[3], v[4], v[5], amsgrad, maximize));
            at += OptionsBytes;
        }
        var states = new List<OptimizerParameterState>();
        for (long p = 0; p < count; p++)
        {
            if (at + 8 > state.Length) throw Bad(at, $"the step of parameter {p} runs past the end: truncated?");
            long step = BinaryPrimitives.ReadInt64LittleEndian(state.Slice(at, 8));
            if (step < 0) throw Bad(at, $"parameter {p} has step {step}");
            at += 8;
            var (dtype, shape, expAvg) = Moment(state, ref at, p, "exp_avg", null, requireFinite);
            var moments = new List<(string, int)> { ("exp_avg", expAvg), ("exp_avg_sq", Moment(state, ref at, p, "exp_avg_sq", shape, requireFinite).At) };
            if (Flag(state, at++, $"the max_exp_avg_sq flag of parameter {p}")) moments.Add(("max_exp_avg_sq", Moment(state, ref at, p, "max_exp_avg_sq", shape, requireFinite).At));
            states.Add(new OptimizerParameterState(step, dtype, shape) { Moments = moments });
        }
        if (at != state.Length) throw Bad(at, $"{state.Length - at} bytes follow the last parameter's state");
        return new OptimizerStateInfo(type, groups, states) { Options = options };
    }

    // One moment tensor: dtype, rank, dims, raw bytes; floating point, finite, and of the shape of the first moment. Returns
    // where its raw bytes start.
    private static (ScalarType Dtype, long[] Shape, int At) Moment(ReadOnlySpan<byte> state, ref int at, long p, string name, long[]? like, bool requireFinite)
    {
        int start = at;
        var dtype = (ScalarType)Leb128(state, ref at, $"the dtype of {name} of parameter {p}", 64);
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16))
            throw Bad(start, $"{name} of parameter {p} has dtype {dtype}, not floating point");
        int rank = (int)Leb128(state, ref at, $"the rank of {name} of parameter {p}", 16);
        var shape = new long[rank];
        long numel = 1;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = Leb128(state, ref at, $"dimension {i} of {name} of parameter {p}", state.Length);
            numel *= shape[i];                           // each factor ≤ the state's length: a product past it fails below
            if (numel > state.Length) throw Bad(start, $"{name} of parameter {p} has shape [{string.Join(", ", shape[..(i + 1)])}…], larger than the state");
        }
        if (like is not null && !shape.SequenceEqual(like))
            throw Bad(start, $"{name} of parameter {p} has shape [{string.Join(", ", shape)}], exp_avg has [{string.Join(", ", like)}]");
        long bytes = numel * SafeTensorsLayout.ElementSize(dtype);
        if (at + bytes > state.Length) throw Bad(at, $"the data of {name} of parameter {p} runs past the end: truncated?");
        var (index, what) = requireFinite ? SafeTensorsLayout.FirstNonFinite(state.Slice(at, (int)bytes), dtype) : (-1, "");
        if (index >= 0) throw Bad(at + index * SafeTensorsLayout.ElementSize(dtype), $"{name} of parameter {p} holds {what} at element {index}");
        int data = at;
        at += (int)bytes;
        return (dtype, shape, data);
    }

    /// <summary>
    /// The binary state <see cref="Decode"/> reads, for TorchSharp's <c>load_state_dict</c>: <paramref name="type"/>, the groups'
    /// <paramref name="options"/>, then per parameter its step and moments (each the raw little-endian bytes of a tensor of
    /// <paramref name="parameters"/>' dtype and shape; a third moment is max_exp_avg_sq).
    /// </summary>
    public static byte[] Encode(string type, IReadOnlyList<OptimizerGroupOptions> options,
        IReadOnlyList<(long Step, ScalarType Dtype, long[] Shape, IReadOnlyList<byte[]> Moments)> parameters)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(type);                                     // 7-bit (LEB128) length, then UTF-8
            Leb128(w, options.Count);
            Leb128(w, parameters.Count);
            foreach (var o in options)
            {
                foreach (var v in new[] { o.InitialLr, o.Lr, o.Beta1, o.Beta2, o.Eps, o.WeightDecay }) w.Write(v);
                w.Write(o.Amsgrad);
                w.Write(o.Maximize);
            }
            foreach (var (step, dtype, shape, moments) in parameters)
            {
                w.Write(step);
                for (int m = 0; m < moments.Count; m++)
                {
                    if (m == 2) w.Write(true);                   // the max_exp_avg_sq flag
                    Leb128(w, (long)dtype);
                    Leb128(w, shape.Length);
                    foreach (var d in shape) Leb128(w, d);
                    w.Write(moments[m]);
                }
                if (moments.Count == 2) w.Write(false);
            }
        }
        return ms.ToArray();
    }

    private static void Leb128(BinaryWriter w, long value)
    {
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            w.Write(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
    }

    private static bool Flag(ReadOnlySpan<byte> state, int at, string what)
    {
        if (at >= state.Length) throw Bad(at, $"{what} runs past the end: truncated?");
        return state[at] switch
        {
            0 => false,
            1 => true,
            var b => throw Bad(at, $"{what} is byte {b}, not a boolean"),
        };
    }

    // An unsigned LEB128 number (TorchSharp's BinaryWriter.Encode) no larger than max.
    private static long Leb128(ReadOnlySpan<byte> state, ref int at, string what, long max)
    {
        int start = at;
        long value = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (at >= state.Length) throw Bad(start, $"{what} runs past the end: truncated?");
            if (shift > 56) throw Bad(start, $"{what} is longer than 9 bytes");
            byte b = state[at++];
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) break;
        }
        if (value > max) throw Bad(start, $"{what} is {value}, more than {max}");
        return value;
    }

    private static InvalidDataException Bad(long at, string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"byte {at}: {message}"));
}
