using System.CommandLine;
using System.Text.RegularExpressions;
using Research.Cli;
using Research.Core.Runtime;

namespace Research.IntegrationTests;

/// <summary>
/// The command line itself (issue 23): the parser's suggestions for mistyped commands and options (exit 2, stderr), defaults
/// printed once in help, <c>--version</c> with the build commit, and <c>--variant</c> on every command that takes an experiment.
/// </summary>
public sealed class CommandLineTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void MistypedCommand_SuggestsTheCommand_Exit2OnStderr()
    {
        var (exit, output, err) = Cli.Run("rnu");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(output, Is.Empty);
        Assert.That(err, Does.Contain("'rnu'").And.Contain("Did you mean"));
        Assert.That(Lines(err), Does.Contain("run"));
    }

    [Test]
    public void MistypedOption_SuggestsTheOption_Exit2AndNothingWritten()
    {
        var runs = Path.Combine(_dir, "runs");
        var (exit, output, err) = Cli.Run("run", Path.Combine(Cli.RepoRoot, "experiments", "trilemma-2d", "experiment.json"),
            "--sett", "training.steps=1", "--runs-dir", runs);
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(output, Is.Empty);
        Assert.That(err, Does.Contain("'--sett'").And.Contain("Did you mean"));
        Assert.That(Lines(err), Does.Contain("--set"));
        Assert.That(Directory.Exists(runs), Is.False);
    }

    [Test]
    public void Version_PrintsTheFullBuildCommit()
    {
        var (exit, output, err) = Cli.Run("--version");
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(BuildInfo.Commit, Does.Match("^[0-9a-f]{40}$"), "the test build is stamped from the git checkout");
        Assert.That(output, Does.StartWith("research ").And.Contain($"commit {BuildInfo.Commit}"));
    }

    /// <summary>
    /// In the help of every command, no option or argument says its default twice: once in its description ("(default: x)")
    /// and once as the parser's "[default: x]".
    /// </summary>
    [Test]
    public void Help_PrintsEveryDefaultOnce()
    {
        var twice = new List<string>();
        var shown = 0;
        void Visit(Command command, string[] path)
        {
            var (exit, help, err) = Cli.Run([.. path, "--help"]);
            Assert.That(exit, Is.EqualTo(0), err);
            // One entry per option or argument: its first line (two spaces, then the name) and the wrapped lines below it.
            foreach (Match entry in Regex.Matches(help, @"^  \S[^\n]*(\n {4,}\S[^\n]*)*", RegexOptions.Multiline))
            {
                var defaults = Regex.Matches(entry.Value, @"default:", RegexOptions.IgnoreCase).Count;
                shown += Regex.Matches(entry.Value, @"\[default: ").Count;
                if (defaults > 1) twice.Add($"research {string.Join(" ", path)}: {Regex.Replace(entry.Value.Trim(), @"\s+", " ")}");
            }
            foreach (var c in command.Subcommands) Visit(c, [.. path, c.Name]);
        }
        Visit(CliApp.CreateRoot(TextWriter.Null, TextWriter.Null), []);
        Assert.That(shown, Is.GreaterThan(10), "the parser prints defaults as [default: x]");
        Assert.That(twice, Is.Empty);
    }

    [Test]
    public void Validate_Variant_ChecksOnlyThatVariant()
    {
        var file = Path.Combine(Cli.RepoRoot, "experiments", "trilemma-2d", "experiment.json");
        var (exit, output, err) = Cli.Run("validate", file, "--variant", "ddpm");
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain(": 1 run(s)"));

        (exit, _, err) = Cli.Run("validate", file, "--variant", "ddpn");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--variant 'ddpn': no such variant; did you mean 'ddpm'?"));
    }

    [Test]
    public void Train_Variant_TrainsOnlyThatVariant()
    {
        var file = Path.Combine(_dir, "two.json");
        var tiny = File.ReadAllText(TinySweep.Write(_dir, "null"));
        File.WriteAllText(file, tiny.Replace("\"sweep\": null", "\"variants\": [ { \"name\": \"a\" }, { \"name\": \"b\", \"set\": { \"seed\": 1 } } ]"));
        var runs = Path.Combine(_dir, "runs");
        var (exit, output, err) = Cli.Run("train", file, "--variant", "b", "--runs-dir", runs, "--set", "training.steps=2");
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("Trained tiny-sweep-b to step 2"));
        Assert.That(output, Does.Not.Contain("tiny-sweep-a"));
        Assert.That(Directory.GetDirectories(runs), Has.Length.EqualTo(1));

        (exit, _, err) = Cli.Run("train", file, "--variant", "c", "--runs-dir", runs);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--variant 'c': no such variant"));
    }

    [Test]
    public void Sweep_Variant_ValidatesOnlyThatVariantsPoints()
    {
        var file = Path.Combine(_dir, "two.json");
        File.WriteAllText(file, File.ReadAllText(TinySweep.Write(_dir, """{ "grid": { "schedule.num_timesteps": [100, 200] } }"""))
            .Replace("\"name\": \"tiny-sweep\",", "\"name\": \"tiny-sweep\", \"variants\": [ { \"name\": \"a\" }, { \"name\": \"b\" } ],"));
        var (exit, output, err) = Cli.Run("validate", file, "--variant", "a");
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("sweep tiny-sweep: 2 point(s)"));
    }

    private static List<string> Lines(string text) => text.Split('\n').Select(l => l.Trim()).ToList();
}
