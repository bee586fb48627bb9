using System.Text.RegularExpressions;

namespace Research.UnitTests.Docs;

/// <summary>
/// Finds citations of Markdown documents in the repository's text files and reports those that point at nothing:
/// a document outside the repository or missing from it, or a section (<c>§N</c>, <c>§N.M</c>) that the cited
/// document has no numbered heading for. The rules:
/// <list type="number">
/// <item>Every mentioned Markdown path must name a file inside the repository, resolved from the citing file's folder
/// or from the repository root (so a document of the docs folder is cited with its <c>docs/</c> prefix); only the bare
/// names of files the code and the studies write (<see cref="GeneratedNames"/>) are exempt, and only without
/// sections.</item>
/// <item>Each section after a citation (docs/methods.md §2.3, or docs/methods.md §5.5, §7.5, or
/// docs/methods.md §1–§2.3) must be a heading of the cited document that starts with that number
/// (<c>## 2.</c>, <c>### 2.3</c>).</item>
/// </list>
/// </summary>
internal static partial class DocumentCitations
{
    /// <summary>
    /// Bare file names the code, the tests and the studies write (tables, reports, a study's results), mentioned as
    /// outputs rather than cited as documents.
    /// </summary>
    public static readonly IReadOnlySet<string> GeneratedNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "table.md", "table1.md", "report.md", "t.md", "results.md",
    };

    /// <summary>Extensions of the files scanned.</summary>
    public static readonly IReadOnlySet<string> ScannedExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".cs", ".md", ".json", ".props", ".targets", ".csproj", ".sh",
    };

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal)
    {
        ".git", "bin", "obj", "runs", ".data", ".cache", "TestResults", "node_modules",
    };

    // A path ending in .md that is not the tail of a longer path or URL, then optional section numbers.
    [GeneratedRegex(@"(?<![\w./\-])(?<path>(?:\.\.?/)*(?:[\w.][\w.\-]*/)*[\w\-]+\.md)(?![\w/])(?<sections>(?:\s*(?:,|and|[–-])?\s*§\s*\d+(?:\.\d+)*)*)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"§\s*(?<n>\d+(?:\.\d+)*)")]
    private static partial Regex Section();

    [GeneratedRegex(@"^#{1,6}\s+(?<n>\d+(?:\.\d+)*)\.?(?=\s)", RegexOptions.Multiline)]
    private static partial Regex NumberedHeading();

    /// <summary>Every scanned file under <paramref name="root"/>, as paths relative to it with '/' separators.</summary>
    public static IEnumerable<string> ScannedFiles(string root)
    {
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in Directory.EnumerateDirectories(dir))
                if (!SkippedFolders.Contains(Path.GetFileName(sub))) pending.Push(sub);
            foreach (var file in Directory.EnumerateFiles(dir))
                if (ScannedExtensions.Contains(Path.GetExtension(file)))
                    yield return Path.GetRelativePath(root, file).Replace('\\', '/');
        }
    }

    /// <summary>
    /// The problems of one file's citations, each as <c>file:line: message</c>. <paramref name="relativePath"/> is
    /// the citing file relative to <paramref name="root"/> ('/' separators).
    /// </summary>
    public static IEnumerable<string> Check(string root, string relativePath, string text)
    {
        var fullRoot = Path.GetFullPath(root);
        var citingDir = Path.GetDirectoryName(Path.Combine(fullRoot, relativePath))!;
        foreach (Match m in Reference().Matches(text))
        {
            var path = m.Groups["path"].Value;
            var sections = Section().Matches(m.Groups["sections"].Value).Select(s => s.Groups["n"].Value).ToList();
            if (sections.Count == 0 && GeneratedNames.Contains(path)) continue;
            int line = text.AsSpan(0, m.Index).Count('\n') + 1;
            var resolved = Resolve(fullRoot, citingDir, path);
            if (resolved is null)
            {
                yield return $"{relativePath}:{line}: cites '{path}', which is not a file of the repository";
                continue;
            }
            if (sections.Count == 0) continue;
            var headings = NumberedHeading().Matches(File.ReadAllText(resolved)).Select(h => h.Groups["n"].Value).ToHashSet();
            foreach (var s in sections.Where(s => !headings.Contains(s)))
                yield return $"{relativePath}:{line}: cites '{path} §{s}', but {Path.GetRelativePath(fullRoot, resolved).Replace('\\', '/')} has no heading numbered {s}";
        }
    }

    // The cited file inside the repository: relative to the citing folder, else to the root; null if neither exists.
    private static string? Resolve(string fullRoot, string citingDir, string path)
    {
        foreach (var baseDir in new[] { citingDir, fullRoot })
        {
            var candidate = Path.GetFullPath(Path.Combine(baseDir, path));
            bool inside = candidate.StartsWith(fullRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (inside && File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
