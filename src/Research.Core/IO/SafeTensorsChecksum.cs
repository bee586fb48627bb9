namespace Research.Core.IO;

/// <summary>Which checksum a safetensors file carries in its <c>__metadata__</c>.</summary>
public enum SafeTensorsChecksum
{
    /// <summary>None.</summary>
    None,

    /// <summary>
    /// <c>sha256</c>: the SHA-256 of the data section only (checkpoints written before the header was covered); a changed header
    /// (a relabelled dtype, a moved byte range, another step) goes unnoticed.
    /// </summary>
    DataOnly,

    /// <summary>
    /// <c>sha256_file</c>: the SHA-256 of the whole file, header included, with the 64 hex digits of this value read as
    /// <c>0</c>s.
    /// </summary>
    HeaderAndData,
}
