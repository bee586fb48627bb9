using Research.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Schedules;

// Tensor math shared by every family. Conventions: t is an int64 index tensor [B] (code indexing, 0..T−1 of this
// chain); coefficients broadcast as [B, 1, …, 1] to the rank of x; results have x's dtype and device, are fresh
// tensors registered in the caller's dispose scope (if any), and arguments are never disposed.
public sealed partial class NoiseSchedule
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(DeviceType, int), DeviceTables> _deviceTables = [];
    private bool _disposed;

    /// <summary>
    /// Gathers <paramref name="coefficient"/> at the indices <paramref name="t"/> (int64 <c>[B]</c>) and shapes it
    /// <c>[B, 1, …, 1]</c> with <paramref name="rank"/> dimensions, as float32 on <paramref name="t"/>'s device.
    /// </summary>
    public Tensor Extract(ScheduleCoefficient coefficient, Tensor t, long rank)
    {
        CheckIndex(t, null);
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        var table = Table(coefficient, t.device); // [T] or [T+1]
        using var values = table.index_select(0, t); // [B]
        return values.reshape(BroadcastShape(t.shape[0], rank));
    }

    /// <summary>Original step indices (int64 <c>[B]</c>) for indices <paramref name="t"/> of this chain (<see cref="TimestepMap"/>).</summary>
    public Tensor MapTimesteps(Tensor t)
    {
        CheckIndex(t, null);
        Tensor map;
        lock (_lock) map = TablesFor(t.device).TimestepMap(_timestepMap);
        return map.index_select(0, t);
    }

    /// <summary>x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε: a sample of q(x_t | x₀) (DDPM eq. 4). Shapes: x₀, ε, result <c>[B, …]</c>.</summary>
    public Tensor QSample(Tensor x0, Tensor t, Tensor eps) =>
        Combine(x0, t, ScheduleCoefficient.SqrtAlphaBars, x0, ScheduleCoefficient.SqrtOneMinusAlphaBars, eps);

    /// <summary>x_t = √α_t x_{t−1} + √β_t ε: one forward step q(x_t | x_{t−1}) (DDPM eq. 2).</summary>
    public Tensor QStep(Tensor xPrev, Tensor t, Tensor eps) =>
        Combine(xPrev, t, ScheduleCoefficient.SqrtAlphas, xPrev, ScheduleCoefficient.SqrtBetas, eps);

    /// <summary>μ̃_t(x_t, x₀) = c1_t x₀ + c2_t x_t (DDPM eq. 7).</summary>
    public Tensor QPosteriorMean(Tensor x0, Tensor xt, Tensor t) =>
        Combine(xt, t, ScheduleCoefficient.PosteriorMeanCoef1, x0, ScheduleCoefficient.PosteriorMeanCoef2, xt);

    /// <summary>β̃_t as <c>[B, 1, …, 1]</c> with <paramref name="rank"/> dimensions, float32.</summary>
    public Tensor QPosteriorVariance(Tensor t, long rank) => Extract(ScheduleCoefficient.PosteriorVariance, t, rank);

    /// <summary>Clipped log β̃_t as <c>[B, 1, …, 1]</c> with <paramref name="rank"/> dimensions, float32.</summary>
    public Tensor QPosteriorLogVarianceClipped(Tensor t, long rank) =>
        Extract(ScheduleCoefficient.PosteriorLogVarianceClipped, t, rank);

    /// <summary>
    /// x_{t−1} = μ̃_t + 1[t &gt; 0]·exp(½ log β̃_t)·noise, a sample of q(x_{t−1} | x_t, x₀) (DDPM eq. 6–7;
    /// DDGAN <c>sample_posterior</c>). At index 0 it returns the mean, which is x₀ there.
    /// </summary>
    public Tensor QPosteriorSample(Tensor x0, Tensor xt, Tensor t, Tensor noise)
    {
        using var scope = NewDisposeScope();
        var mean = QPosteriorMean(x0, xt, t);
        var std = Coef(ScheduleCoefficient.PosteriorLogVarianceClipped, t, xt).Times(0.5).exp_();
        var mask = t.ne(0L).to(xt.dtype).reshape(BroadcastShape(t.shape[0], xt.dim()));
        return mean.add(mask.mul(std).mul(noise)).MoveToOuterDisposeScope();
    }

    /// <summary>x̂₀ = √(1/ᾱ_t) x_t − √(1/ᾱ_t − 1) ε̂ (DDPM eq. 4 solved for x₀).</summary>
    public Tensor PredictX0FromEps(Tensor xt, Tensor t, Tensor eps)
    {
        using var scope = NewDisposeScope();
        var a = Coef(ScheduleCoefficient.SqrtRecipAlphaBars, t, xt);
        var b = Coef(ScheduleCoefficient.SqrtRecipM1AlphaBars, t, xt);
        return a.mul(xt).sub(b.mul(eps)).MoveToOuterDisposeScope();
    }

    /// <summary>ε̂ = (√(1/ᾱ_t) x_t − x̂₀) / √(1/ᾱ_t − 1) (guided-diffusion <c>_predict_eps_from_xstart</c>).</summary>
    public Tensor PredictEpsFromX0(Tensor xt, Tensor t, Tensor x0)
    {
        using var scope = NewDisposeScope();
        var a = Coef(ScheduleCoefficient.SqrtRecipAlphaBars, t, xt);
        var b = Coef(ScheduleCoefficient.SqrtRecipM1AlphaBars, t, xt);
        return a.mul(xt).sub(x0).div(b).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// DDGAN's training pair at index t (arXiv 2112.07804 eq. 5; official <c>q_sample_pairs</c>):
    /// XPrev = a_t x₀ + σ_t ε (<see cref="ForwardA"/>, <see cref="ForwardSigma"/>, β₀ included) and
    /// XT = √(1 − β_{t+1}) XPrev + √β_{t+1} ε′ with the posterior-indexed β (<see cref="Betas"/>[t]).
    /// For linear/cosine: XPrev = x_{t−1} (x₀ itself at t = 0) and XT = x_t.
    /// </summary>
    public (Tensor XPrev, Tensor XT) ForwardPair(Tensor x0, Tensor t, Tensor eps, Tensor epsPrime)
    {
        using var scope = NewDisposeScope();
        var xPrev = Combine(x0, t, ScheduleCoefficient.ForwardA, x0, ScheduleCoefficient.ForwardSigma, eps);
        var xT = QStep(xPrev, t, epsPrime);
        return (xPrev.MoveToOuterDisposeScope(), xT.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// DDIM σ_t(η) = η·√((1 − ᾱ_{t−1})/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t−1}) on this (respaced) chain (arXiv 2010.02502
    /// eq. 16), <c>[B, 1, …, 1]</c> float32.
    /// </summary>
    public Tensor DdimSigma(Tensor t, double eta, long rank)
    {
        using var scope = NewDisposeScope();
        return Extract(ScheduleCoefficient.DdimSigmaAtEtaOne, t, rank).Times(eta).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One DDIM step (arXiv 2010.02502 eq. 12; guided-diffusion <c>ddim_sample</c>):
    /// x_{t−1} = √ᾱ_{t−1} x̂₀ + √(1 − ᾱ_{t−1} − σ_t²) ε̂ + 1[t &gt; 0] σ_t z. η = 0 is deterministic
    /// (<paramref name="noise"/> may then be <c>null</c>).
    /// </summary>
    public Tensor DdimStep(Tensor x0, Tensor eps, Tensor t, double eta, Tensor? noise)
    {
        if (eta != 0 && noise is null) throw new ArgumentNullException(nameof(noise), "DDIM with eta > 0 needs noise");
        using var scope = NewDisposeScope();
        var alphaBarPrev = Coef(ScheduleCoefficient.AlphaBarsPrev, t, x0);
        var sigma = Coef(ScheduleCoefficient.DdimSigmaAtEtaOne, t, x0).Times(eta);
        // Clamp: 1 − ᾱ_{t−1} − σ² ≥ 0 exactly, but float32 rounding could make it a hair negative (→ NaN).
        var epsCoef = alphaBarPrev.neg().add(1.0).sub(sigma.square()).clamp_min(0.0).sqrt_();
        var xPrev = alphaBarPrev.sqrt().mul(x0).add(epsCoef.mul(eps));
        if (noise is not null)
        {
            var mask = t.ne(0L).to(x0.dtype).reshape(BroadcastShape(t.shape[0], x0.dim()));
            xPrev = xPrev.add(mask.mul(sigma).mul(noise));
        }
        return xPrev.MoveToOuterDisposeScope();
    }

    /// <summary>Releases every per-device table. The float64 arrays stay readable.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var tables in _deviceTables.Values) tables.Dispose();
            _deviceTables.Clear();
        }
    }

    // c_a[t]·a + c_b[t]·b, with x supplying shape checks, dtype and device.
    private Tensor Combine(Tensor x, Tensor t, ScheduleCoefficient ca, Tensor a, ScheduleCoefficient cb, Tensor b)
    {
        using var scope = NewDisposeScope();
        var result = Coef(ca, t, x).mul(a).add(Coef(cb, t, x).mul(b));
        return result.MoveToOuterDisposeScope();
    }

    // Coefficient [B, 1, …, 1] matching x's rank, dtype and device (tables live on x's device).
    private Tensor Coef(ScheduleCoefficient coefficient, Tensor t, Tensor x)
    {
        CheckIndex(t, x);
        var table = Table(coefficient, x.device);
        var sameDevice = t.device_type == x.device_type && t.device_index == x.device_index;
        var values = table.index_select(0, sameDevice ? t : t.to(x.device));
        values = values.reshape(BroadcastShape(t.shape[0], x.dim()));
        return values.dtype == x.dtype ? values : values.to(x.dtype);
    }

    private Tensor Table(ScheduleCoefficient coefficient, Device device)
    {
        lock (_lock) return TablesFor(device).Coefficient(coefficient, _tables[coefficient]);
    }

    // The caller holds _lock.
    private DeviceTables TablesFor(Device device)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var key = (device.type, device.index < 0 ? 0 : device.index);
        if (!_deviceTables.TryGetValue(key, out var tables))
            _deviceTables[key] = tables = new DeviceTables(new Device(key.type, key.Item2));
        return tables;
    }

    private static void CheckIndex(Tensor t, Tensor? x)
    {
        if (t.dtype != ScalarType.Int64 || t.dim() != 1)
            throw new ArgumentException($"t must be an int64 index tensor [B]; got {t.dtype} with shape [{string.Join(", ", t.shape)}]",
                nameof(t));
        if (x is not null && (x.dim() < 1 || x.shape[0] != t.shape[0]))
            throw new ArgumentException($"t has {t.shape[0]} entries but x has shape [{string.Join(", ", x.shape)}]", nameof(t));
    }

    private static long[] BroadcastShape(long batch, long rank)
    {
        var shape = Enumerable.Repeat(1L, (int)rank).ToArray();
        shape[0] = batch;
        return shape;
    }
}
