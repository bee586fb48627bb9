using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Research.Evaluation.Tables;

namespace Research.Training.Benchmarks;

/// <summary>Everything one <c>research bench</c> measured, with the machine it ran on; Markdown tables or JSON.</summary>
public sealed record BenchReport
{
    /// <summary>When the benchmark started (UTC).</summary>
    public required DateTime StartedUtc { get; init; }

    /// <summary>Logical processors the OS reports.</summary>
    public int Cores { get; init; } = Environment.ProcessorCount;

    /// <summary>libtorch intra-op threads during the benchmark.</summary>
    public required int Threads { get; set; }

    /// <summary>Whether <c>--quick</c> settings were used.</summary>
    public required bool Quick { get; init; }

    /// <summary>Operating system.</summary>
    public string Os { get; init; } = System.Runtime.InteropServices.RuntimeInformation.OSDescription;

    /// <summary>The machine's GEMM throughput per dtype and thread count (the limit the training GFLOP/s are read against).</summary>
    public List<GemmResult> Gemm { get; init; } = [];

    /// <summary>Training speed per run.</summary>
    public List<TrainingBenchResult> Training { get; init; } = [];

    /// <summary>Sampling speed per run.</summary>
    public List<SamplingBenchResult> Sampling { get; init; } = [];

    /// <summary>DDPM-1000 over DDGAN-T4 per backbone, timed in alternating calls.</summary>
    public List<SpeedRatio> Ratios { get; init; } = [];

    /// <summary>fp32 versus bf16 step times.</summary>
    public List<PrecisionBenchResult> Precision { get; init; } = [];

    /// <summary>RSS soaks (with <c>--soak</c>).</summary>
    public List<SoakResult> Soak { get; init; } = [];

    /// <summary>Peak resident memory of the whole process (MiB).</summary>
    [JsonPropertyName("peak_rss_mib")]
    public double PeakRssMiB { get; set; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The report as indented JSON with snake_case keys (derived quantities included).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// A run's step GFLOP/s as a percentage of the best GEMM rate measured at its precision (bf16 runs against bfloat16; the
    /// better of the matrix product and the 3 × 3 convolution) and
    /// the report's thread count; null when either is missing.
    /// </summary>
    public double? ShareOfGemm(TrainingBenchResult r)
    {
        string dtype = r.Precision == "bf16" ? "bfloat16" : "float32";
        var limit = Gemm.Where(g => g.Dtype == dtype && g.Threads == Threads).MaxBy(g => g.BestGflops);
        return limit is null ? null : 100 * r.StepGflopsPerSecond / limit.BestGflops;
    }

    /// <summary>The report as Markdown: one table per measured section, then the settings.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        string F(double v, string f = "F2") => v.ToString(f, CultureInfo.InvariantCulture);
        if (Training.Count > 0)
        {
            var t = new ResultsTable([
                TableColumn.Text("run"), TableColumn.Text("family"), TableColumn.Text("backbone"), TableColumn.Text("precision"),
                TableColumn.Number("batch"), TableColumn.Number("params", "N0"), TableColumn.Number("step ms", "F3"),
                TableColumn.Number("steps/s", "F1"), TableColumn.Number("minimal ms", "F3"), TableColumn.Number("bare f+b ms", "F3"),
                TableColumn.Number("overhead %", "F1"), TableColumn.Number("network %", "F1"), TableColumn.Number("spread %", "F0"),
                TableColumn.Number("peak RSS MiB", "F0"), TableColumn.Number("GFLOP/step", "F1"), TableColumn.Number("GFLOP/s", "F1"),
                TableColumn.Number("bare GFLOP/s", "F1"), TableColumn.Number("% of GEMM", "F0")]);
            foreach (var r in Training)
                t.AddRow(r.Run, r.Family, r.Backbone, r.Precision, r.BatchSize, r.Parameters, r.Step.Median, r.StepsPerSecond,
                    r.MinimalStep.Median, r.BareNetworks?.Median, r.OverheadPct, r.NetworkSharePct, r.Step.SpreadPct, r.PeakRssMiB,
                    r.BareFlopsPerStep / 1e9, r.StepGflopsPerSecond, r.BareGflopsPerSecond, ShareOfGemm(r));
            t.AddFootnote("step: the Trainer (no run folder, so no checkpoints); minimal: the same loss terms with only zero-grad, " +
                          "compute, backward and optimizer step; bare f+b: one forward+backward per loss term through that term's network " +
                          "alone. overhead % = (step − minimal) / step and network % = bare / step, each the median over windows timed " +
                          "back to back (GAN terms run more network passes than one per term, so their network % is a lower bound). " +
                          "spread = (max − min) / median of the step windows. GFLOP/step: the bare passes' conv and linear " +
                          "products, forward + backward (≈ 3 × forward); GFLOP/s = that over the step (a lower bound for GAN steps, " +
                          "which run more passes), bare GFLOP/s = over the bare window; % of GEMM = GFLOP/s over the best " +
                          $"{Threads}-thread rate at the run's precision below (the better of torch.mm and the 3×3 convolution).");
            sb.Append("### Training\n\n").Append(t.ToMarkdown()).Append('\n');
        }
        if (Gemm.Count > 0)
        {
            var t = new ResultsTable([
                TableColumn.Text("dtype"), TableColumn.Number("threads"), TableColumn.Text("kernel"), TableColumn.Number("n"),
                TableColumn.Number("best GFLOP/s", "F1"), TableColumn.Number("median GFLOP/s", "F1")]);
            foreach (var g in Gemm)
                t.AddRow(g.Dtype, g.Threads, g.Kernel == GemmKernel.MatMul ? "torch.mm" : "conv 3×3", g.Size, g.BestGflops, g.MedianGflops);
            t.AddFootnote("Timed in windows of about a second; best and median window. torch.mm: two n × n matrices, 2n³ FLOPs; conv 3×3: " +
                          "batch 64, n → n channels, 14 × 14, padding 1 (the UNet's convolution path), FLOPs counted as a direct " +
                          "convolution as the step's are. % of GEMM above reads a step against the better of the two at its " +
                          "precision and thread count.");
            sb.Append("### GEMM throughput (the hardware limit)\n\n").Append(t.ToMarkdown()).Append('\n');
        }
        if (Sampling.Count > 0)
        {
            var t = new ResultsTable([
                TableColumn.Text("run"), TableColumn.Text("family"), TableColumn.Text("backbone"), TableColumn.Text("request"),
                TableColumn.Number("NFE"), TableColumn.Number("samples"), TableColumn.Number("ms/sample", "F4"),
                TableColumn.Number("ms/sample/NFE", "F5"), TableColumn.Number("bare ms/call", "F4"),
                TableColumn.Number("sampler overhead ms/call", "F4"), TableColumn.Number("overhead %", "F1")]);
            foreach (var r in Sampling)
                t.AddRow(r.Run, r.Family, r.Backbone, r.Request, r.Nfe, r.Samples, r.MsPerSample, r.MsPerSamplePerNfe, r.BareMsPerCall,
                    r.OverheadMsPerCall, r.OverheadPct);
            t.AddFootnote("One call draws all samples in one network batch with the EMA weights; bare = the same number of forward " +
                          "calls of the sampling network alone (no gradients); overhead = median over repeats of (sampler − bare), each pair timed " +
                          "back to back. Guided sampling's classifier gradient counts as sampler overhead.");
            sb.Append("### Sampling\n\n").Append(t.ToMarkdown()).Append('\n');
        }
        if (Ratios.Count > 0)
        {
            var t = new ResultsTable([
                TableColumn.Text("backbone"), TableColumn.Text("slow"), TableColumn.Text("fast"), TableColumn.Number("samples"),
                TableColumn.Number("slow ms/sample", "F4"), TableColumn.Number("fast ms/sample", "F4"), TableColumn.Number("ratio", "F0"),
                TableColumn.Number("NFE ratio", "F0"), TableColumn.Number("slow spread %", "F0"), TableColumn.Number("fast spread %", "F0"),
                TableColumn.Text("target")]);
            foreach (var r in Ratios)
                t.AddRow(r.Backbone, $"{r.SlowRun} ({r.SlowFamily}, NFE {r.SlowNfe})", $"{r.FastRun} ({r.FastFamily}, NFE {r.FastNfe})", r.Samples,
                    r.Slow.Median, r.Fast.Median, r.Ratio, r.NfeRatio, r.Slow.SpreadPct, r.Fast.SpreadPct,
                    $"≥ {F(r.Target, "F0")}×: {(r.MeetsTarget ? "met" : "missed")}");
            t.AddFootnote("Fresh sessions of the two runs, timed alternately: a block of fast calls with the NFE of one slow call " +
                          $"({string.Join(", ", Ratios.Select(r => $"{r.FastBlock} on the {r.Backbone}"))}), one slow call, …, a last fast block; medians.");
            sb.Append("### Per-sample speed ratio\n\n").Append(t.ToMarkdown()).Append('\n');
        }
        if (Precision.Count > 0)
        {
            var t = new ResultsTable([
                TableColumn.Text("run"), TableColumn.Text("backbone"), TableColumn.Number("batch"), TableColumn.Number("fp32 ms/step", "F3"),
                TableColumn.Number("bf16 ms/step", "F3"), TableColumn.Number("bf16 / fp32", "F2"), TableColumn.Number("fp32 spread %", "F0"),
                TableColumn.Number("bf16 spread %", "F0")]);
            foreach (var r in Precision)
                t.AddRow(r.Run, r.Backbone, r.BatchSize, r.Fp32.Median, r.Bf16.Median, r.Bf16OverFp32, r.Fp32.SpreadPct, r.Bf16.SpreadPct);
            t.AddFootnote("Trainer steps in alternating windows; bf16 = bf16 working copy with fp32 master weights (training.precision). " +
                          "Below 1: bf16 is faster.");
            sb.Append("### fp32 versus bf16\n\n").Append(t.ToMarkdown()).Append('\n');
        }
        if (Soak.Count > 0)
        {
            var t = new ResultsTable([
                TableColumn.Text("run"), TableColumn.Text("family"), TableColumn.Text("backbone"), TableColumn.Number("steps"),
                TableColumn.Number("samples"), TableColumn.Number("mean RSS MiB", "F1"), TableColumn.Number("max dev %", "F2"),
                TableColumn.Number("drift MiB", "F1"), TableColumn.Text("live tensors"), TableColumn.Number("s", "F0"), TableColumn.Text("result")]);
            foreach (var r in Soak)
                t.AddRow(r.Run, r.Family, r.Backbone, r.Steps, r.RssMiB.Count, r.MeanRssMiB, r.MaxDeviationPct, r.DriftMiB,
                    r.LiveTensorsConstant ? $"{r.LiveTensors[0]} (constant)" : $"{r.LiveTensors.Min()}–{r.LiveTensors.Max()}",
                    r.Seconds, r.Passed ? "pass" : "FAIL");
            t.AddFootnote($"RSS sampled after a warm-up of a tenth of the steps; pass = every sample within ±{F(Soak[0].TolerancePct, "F0")} % " +
                          "of the mean and a constant live-tensor count.");
            sb.Append("### Memory soak\n\n").Append(t.ToMarkdown()).Append('\n');
        }
        sb.Append($"{StartedUtc:yyyy-MM-dd HH:mm} UTC, {Cores} cores, {Threads} libtorch thread(s), {(Quick ? "--quick" : "full")} settings, " +
                  $"peak RSS {F(PeakRssMiB, "F0")} MiB, {Os}.\n");
        return sb.ToString();
    }
}
