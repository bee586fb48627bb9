using System.Xml.Linq;

namespace Research.UnitTests.Core;

/// <summary>
/// Every package a project of src/ references is used by its compiled assembly, and every version pinned in
/// Directory.Packages.props is referenced somewhere: an unused reference is a dependency to restore, audit and update
/// for nothing.
/// </summary>
public sealed class PackageReferenceTests
{
    // Packages that bring native libraries only, so no managed reference to them can appear.
    private static readonly Dictionary<string, string> NativeOnly = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SkiaSharp.NativeAssets.Linux.NoDependencies"] = "libSkiaSharp.so for Linux without fontconfig",
    };

    public static IEnumerable<string> SourceProjects() =>
        Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(TestPaths.RepoRoot, p)).Order(StringComparer.Ordinal);

    [TestCaseSource(nameof(SourceProjects))]
    public void SourceProject_EveryPackageReference_IsUsedByItsAssembly(string relative)
    {
        var project = XDocument.Load(Path.Combine(TestPaths.RepoRoot, relative));
        var assemblyName = project.Descendants("AssemblyName").Select(e => e.Value).FirstOrDefault() ?? Path.GetFileNameWithoutExtension(relative);
        var packages = project.Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!).ToList();
        var file = Built(relative, assemblyName + ".dll");
        var references = MetadataReferences(file);
        var unused = packages.Where(p => !NativeOnly.ContainsKey(p)
                                         && !references.Any(r => r.Equals(p, StringComparison.OrdinalIgnoreCase)
                                                                 || r.StartsWith(p + ".", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        Assert.That(unused, Is.Empty, $"{relative} references packages its assembly never uses (its references: {string.Join(", ", references)})");
    }

    [Test]
    public void CentralVersions_EveryPinnedPackage_IsReferencedByAProject()
    {
        var root = TestPaths.RepoRoot;
        var pinned = XDocument.Load(Path.Combine(root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Select(e => (string)e.Attribute("Include")!).ToList();
        var referenced = new[] { "src", "tests", "plugins", "benchmarks", "build" }
            .SelectMany(d => Directory.GetFiles(Path.Combine(root, d), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".csproj", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => XDocument.Load(f).Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.That(pinned.Where(p => !referenced.Contains(p)), Is.Empty, "Directory.Packages.props pins packages no project references");
    }

    // The assembly beside the tests (same build), else the newest build of the project (the CLI is not referenced here).
    private static string Built(string project, string fileName)
    {
        var beside = Path.Combine(TestContext.CurrentContext.TestDirectory, fileName);
        if (File.Exists(beside)) return beside;
        var bin = Path.Combine(TestPaths.RepoRoot, Path.GetDirectoryName(project)!, "bin");
        var built = Directory.Exists(bin) ? Directory.GetFiles(bin, fileName, SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault() : null;
        Assert.That(built, Is.Not.Null, $"{project}: {fileName} not built");
        return built!;
    }

    // The assembly names the compiled assembly refers to (read from its metadata; nothing is loaded).
    private static List<string> MetadataReferences(string file)
    {
        using var stream = File.OpenRead(file);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
    }
}
