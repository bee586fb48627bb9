using static TorchSharp.torch;

namespace Research.Training.Runs;

/// <summary>The strict comparison of a state dict against a network's own: the one rule for importing and initialising weights.</summary>
public static class StateDictMatch
{
    /// <summary>
    /// Every key of <paramref name="expected"/> missing from <paramref name="incoming"/>, every extra key, every shape and
    /// floating/integer mismatch, as readable lines (empty = they fit). <paramref name="network"/> names the target in messages.
    /// </summary>
    public static List<string> Problems(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> incoming, string network)
    {
        var problems = new List<string>();
        problems.AddRange(expected.Keys.Where(k => !incoming.ContainsKey(k)).Select(k => $"missing key '{k}' [{Shape(expected[k])}]"));
        problems.AddRange(incoming.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"unexpected key '{k}' [{Shape(incoming[k])}]"));
        foreach (var (k, want) in expected)
        {
            if (!incoming.TryGetValue(k, out var got)) continue;
            if (!got.shape.SequenceEqual(want.shape)) problems.Add($"key '{k}' has shape [{Shape(got)}], network '{network}' expects [{Shape(want)}]");
            else if (got.is_floating_point() != want.is_floating_point()) problems.Add($"key '{k}' has dtype {got.dtype}, network '{network}' expects {want.dtype}");
        }
        return problems;
    }

    /// <summary>The first 20 <paramref name="problems"/> joined, with a count of the rest.</summary>
    public static string Summarize(IReadOnlyList<string> problems) =>
        string.Join("; ", problems.Take(20)) + (problems.Count > 20 ? $"; … and {problems.Count - 20} more" : "");

    /// <summary>
    /// Refuses a state dict (the open <paramref name="file"/>) with a NaN or ±Inf in a floating-point tensor, naming the file,
    /// the tensor and the byte offset of the element.
    /// </summary>
    public static void RequireFinite(Research.Core.IO.SafeTensorsFile file)
    {
        var layout = file.Layout;
        foreach (var e in layout.Entries)
        {
            var (index, what) = file.FirstNonFinite(e);
            if (index >= 0)
                throw layout.Error(layout.FileOffset(e) + index * Research.Core.IO.SafeTensorsLayout.ElementSize(e.Dtype),
                    $"tensor '{e.Name}' [{e.ShapeText}] holds {what} at element {index}: weights must be finite");
        }
    }

    /// <summary>A tensor's shape as <c>a, b, c</c>.</summary>
    public static string Shape(Tensor t) => string.Join(", ", t.shape);
}
