using System.CommandLine;

namespace Research.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
public static class CommonOptions
{
    /// <summary><c>--set key=value</c>, repeatable: overrides applied after the experiment file.</summary>
    public static Option<string[]> Set() => new("--set")
    {
        Description = "Override a key after all files, e.g. --set training.steps=500 --set sampling[0].steps=ddim50 (repeatable)",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary><c>--variant name</c>, repeatable: run only these variants of the experiment.</summary>
    public static Option<string[]> Variant() => new("--variant")
    {
        Description = "Run only this variant of the experiment (repeatable; default: every variant)",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary><c>--runs-dir</c>: where run folders are created.</summary>
    public static Option<string> RunsDir() => new("--runs-dir")
    {
        Description = "Folder that receives run folders",
        DefaultValueFactory = _ => "runs",
    };

    /// <summary><c>--data-root</c>: where downloaded datasets live.</summary>
    public static Option<string> DataRoot() => new("--data-root")
    {
        Description = "Folder holding downloaded data files",
        DefaultValueFactory = _ => ".data",
    };

    /// <summary>The experiment file argument.</summary>
    public static Argument<string> Experiment() => new("experiment") { Description = "Experiment JSON file" };

    /// <summary>The run folder argument.</summary>
    public static Argument<string> RunFolder() => new("run-folder") { Description = "A run folder written by 'research train' or 'research run'" };
}
