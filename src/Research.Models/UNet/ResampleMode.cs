namespace Research.Models.UNet;

/// <summary>How a residual block changes the spatial size.</summary>
public enum ResampleMode
{
    /// <summary>Same size.</summary>
    None,

    /// <summary>Nearest-neighbour ×2 inside the block (BigGAN-style up block).</summary>
    Up,

    /// <summary>2×2 average pooling inside the block (BigGAN-style down block).</summary>
    Down,
}
