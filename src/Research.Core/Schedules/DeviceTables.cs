using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Schedules;

/// <summary>
/// Lazily created float32 coefficient tables (and the int64 timestep map) of one schedule on one device. The
/// tensors are detached from any dispose scope that happens to be open when they are first needed; this object
/// owns them.
/// </summary>
internal sealed class DeviceTables(Device device) : IDisposable
{
    private readonly Dictionary<ScheduleCoefficient, Tensor> _coefficients = [];
    private Tensor? _timestepMap;

    // [N] float32 on the device. The caller holds the schedule's lock.
    public Tensor Coefficient(ScheduleCoefficient name, double[] values)
    {
        if (_coefficients.TryGetValue(name, out var table)) return table;
        var asFloat = values.Select(v => (float)v).ToArray();
        table = tensor(asFloat, ScalarType.Float32, device).DetachFromDisposeScope();
        _coefficients[name] = table;
        return table;
    }

    // [T] int64 on the device. The caller holds the schedule's lock.
    public Tensor TimestepMap(int[] map) =>
        _timestepMap ??= tensor(map.Select(i => (long)i).ToArray(), ScalarType.Int64, device).DetachFromDisposeScope();

    public void Dispose()
    {
        foreach (var t in _coefficients.Values) t.Dispose();
        _coefficients.Clear();
        _timestepMap?.Dispose();
        _timestepMap = null;
    }
}
