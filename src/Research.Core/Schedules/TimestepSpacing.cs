using System.Globalization;

namespace Research.Core.Schedules;

/// <summary>
/// improved-diffusion / guided-diffusion <c>space_timesteps</c> (IDDPM arXiv 2102.09672 §4, DDIM arXiv 2010.02502
/// §4.2): which original indices a respaced chain keeps.
/// </summary>
internal static class TimestepSpacing
{
    /// <summary>Returns the retained original indices in increasing order; throws on a spec that cannot be met.</summary>
    public static int[] Space(int numTimesteps, string spec)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numTimesteps, 1);
        ArgumentNullException.ThrowIfNull(spec);
        var trimmed = spec.Trim();
        if (trimmed.Length == 0)
            throw new ArgumentException("respacing spec is empty; use \"ddimN\" or a comma list like \"250\" or \"10,15,20\"",
                nameof(spec));

        return trimmed.StartsWith("ddim", StringComparison.Ordinal)
            ? Ddim(numTimesteps, trimmed)
            : Sections(numTimesteps, ParseCounts(trimmed, spec));
    }

    // "ddimN": the smallest integer stride k >= 1 (k < T, as in the reference loop) with |range(0, T, k)| = N.
    private static int[] Ddim(int numTimesteps, string spec)
    {
        var digits = spec["ddim".Length..];
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var desired) || desired < 1)
            throw new ArgumentException($"respacing spec '{spec}': expected \"ddimN\" with N a positive integer", nameof(spec));
        for (var stride = 1; stride < numTimesteps; stride++)
        {
            var count = (numTimesteps + stride - 1) / stride;
            if (count == desired) return Enumerable.Range(0, count).Select(j => j * stride).ToArray();
            if (count < desired) break; // counts only shrink as the stride grows
        }
        throw new ArgumentException(
            $"respacing spec '{spec}': cannot create exactly {desired} steps out of {numTimesteps} with an integer stride",
            nameof(spec));
    }

    private static int[] ParseCounts(string trimmed, string spec)
    {
        var parts = trimmed.Split(',');
        var counts = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]) || counts[i] < 1)
                throw new ArgumentException(
                    $"respacing spec '{spec}': section {i + 1} is '{parts[i].Trim()}', expected a positive integer "
                    + "(or use \"ddimN\")", nameof(spec));
        }
        return counts;
    }

    // Split [0, T) into len(counts) near-equal sections (the first T mod m get one extra step) and take counts[i]
    // evenly spaced indices from section i, rounding half to even like Python's round().
    private static int[] Sections(int numTimesteps, int[] counts)
    {
        if (counts.Length > numTimesteps)
            throw new ArgumentException($"respacing spec has {counts.Length} sections but there are only {numTimesteps} steps",
                "spec");
        var sizePer = numTimesteps / counts.Length;
        var extra = numTimesteps % counts.Length;
        var start = 0;
        var steps = new SortedSet<int>();
        for (var i = 0; i < counts.Length; i++)
        {
            var size = sizePer + (i < extra ? 1 : 0);
            if (size < counts[i])
                throw new ArgumentException(
                    $"respacing spec: cannot take {counts[i]} steps from section {i + 1}, which has only {size} steps", "spec");
            var fracStride = counts[i] <= 1 ? 1.0 : (double)(size - 1) / (counts[i] - 1);
            // The reference accumulates cur_idx += frac_stride (not j * frac_stride); keep that for identical rounding.
            var cur = 0.0;
            for (var j = 0; j < counts[i]; j++)
            {
                steps.Add(start + (int)Math.Round(cur, MidpointRounding.ToEven));
                cur += fracStride;
            }
            start += size;
        }
        return steps.ToArray();
    }
}
