namespace Research.UnitTests.Docs;

/// <summary>
/// Every citation of a document in the repository's code, configuration and docs names a file the repository
/// contains, and every cited section (<c>docs/methods.md §2.3</c>) is a numbered heading of it
/// (<see cref="DocumentCitations"/>). The repository must never depend on documents outside itself.
/// </summary>
public sealed class DocumentCitationTests
{
    // Built by concatenation so that this file's own examples are not citations the repository scan would check.
    private const string Md = ".md";

    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "citations-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_dir, "docs"));
        Directory.CreateDirectory(Path.Combine(_dir, "src", "A"));
        File.WriteAllText(Path.Combine(_dir, "docs", "guide" + Md), "# Guide\n\n## 1. Start\n\n### 1.2 Detail\n\n## 2 Next\n");
    }

    [TearDown]
    public void TearDown()
    {
        Directory.Delete(_dir, recursive: true);
        if (Directory.Exists(_dir + "-outside")) Directory.Delete(_dir + "-outside", recursive: true);
    }

    private List<string> Check(string text, string file = "src/A/X.cs") => DocumentCitations.Check(_dir, file, text).ToList();

    [Test]
    public void Repository_CitesOnlyItsOwnDocumentsAndTheirSections()
    {
        var root = TestPaths.RepoRoot;
        var files = DocumentCitations.ScannedFiles(root).ToList();
        Assert.That(files, Does.Contain("docs/methods" + Md), "the scan must see the docs folder");
        Assert.That(files, Has.Some.StartsWith("src/"), "the scan must see the sources");
        var problems = files.SelectMany(f => DocumentCitations.Check(root, f, File.ReadAllText(Path.Combine(root, f)))).ToList();
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }

    [Test]
    public void ExistingDocumentAndSections_Pass()
    {
        Assert.That(Check("// see docs/guide" + Md + " §1.2 and docs/guide" + Md + " §1, §2"), Is.Empty);
        Assert.That(Check("// docs/guide" + Md + " §1–§1.2"), Is.Empty);
        Assert.That(Check("see guide" + Md + " §2", "docs/other" + Md), Is.Empty, "a bare name resolves from the citing folder");
    }

    [Test]
    public void MissingSection_IsReportedWithFileAndLine()
    {
        var problems = Check("line one\n/// docs/guide" + Md + " §3.1\n");
        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("src/A/X.cs:2:").And.Contain("§3.1").And.Contain("no heading numbered 3.1"));
    }

    [Test]
    public void EachSectionOfAList_IsChecked() =>
        Assert.That(Check("docs/guide" + Md + " §1.2, §7"), Has.Count.EqualTo(1).And.Some.Contain("§7"));

    [Test]
    public void MissingDocument_IsReported() =>
        Assert.That(Check("(docs/nowhere" + Md + ")"), Has.Count.EqualTo(1).And.Some.Contain("not a file of the repository"));

    [Test]
    public void DocumentOutsideTheRepository_IsReportedEvenIfItExists()
    {
        Directory.CreateDirectory(_dir + "-outside");
        File.WriteAllText(Path.Combine(_dir + "-outside", "style" + Md), "# Style\n");
        var sibling = Path.GetFileName(_dir) + "-outside";
        Assert.That(Check($"see ../{sibling}/style" + Md, "README" + Md), Has.Count.EqualTo(1), "from the root");
        Assert.That(Check($"see ../../../{sibling}/style" + Md), Has.Count.EqualTo(1), "from a subfolder");
        Assert.That(Check("see ../" + "shared/docs/style" + Md, "docs/x" + Md), Has.Count.EqualTo(1));
    }

    [Test]
    public void BareNameWithSection_MustResolveFromTheCitingFolderOrRoot() =>
        Assert.That(Check("// guide" + Md + " §1"), Has.Count.EqualTo(1), "a document in docs/ is cited as docs/…");

    [Test]
    public void NameOfNoFile_IsReportedUnlessAGeneratedOutput()
    {
        Assert.That(Check("the rules of house" + Md), Has.Count.EqualTo(1));
        Assert.That(Check("shared/data/README" + Md), Has.Count.EqualTo(1));
        Assert.That(Check("writes table" + Md + " and report" + Md + " into runs/<utc>-name/table" + Md), Is.Empty);
        Assert.That(Check("see other/results" + Md), Has.Count.EqualTo(1), "only bare output names are exempt");
        Assert.That(Check("table" + Md + " §1"), Has.Count.EqualTo(1), "a cited section makes it a citation");
    }

    [Test]
    public void Urls_AreNotCitations() =>
        Assert.That(Check("https://github.com/o/r/blob/main/README" + Md + " and http://x.org/a/b/docs/c" + Md), Is.Empty);
}
