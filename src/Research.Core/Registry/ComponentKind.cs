namespace Research.Core.Registry;

/// <summary>The kinds of pluggable component an experiment file selects with a <c>type</c> key.</summary>
public enum ComponentKind
{
    /// <summary>A family / parameterization (<c>parameterization.type</c>): ddpm-eps, ddgan, siddm, …</summary>
    Parameterization,

    /// <summary>A network backbone (<c>backbone.type</c>): mlp, unet.</summary>
    Backbone,

    /// <summary>A training dataset (<c>data.type</c>): gaussian-grid, gaussian-ring, swiss-roll, …</summary>
    Dataset,
}
