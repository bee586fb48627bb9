namespace Research.Training.TensorBoard;

/// <summary>
/// CRC-32C (Castagnoli; reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF), the checksum of
/// TFRecord framing, and TensorFlow's masked form of it.
/// </summary>
/// <remarks>
/// Castagnoli, Bräuer and Herrmann 1993, "Optimization of cyclic redundancy-check codes with 24 and 32 parity bits";
/// RFC 3720 §12.1 and App. B.4 give the polynomial and the check value CRC-32C("123456789") = 0xE3069283. The mask is
/// TensorFlow's <c>crc32c::Mask</c> (<c>tensorflow/tsl/lib/hash/crc32c.h</c>): a CRC stored next to the data it covers
/// is rotated and offset so that a CRC computed over a string that itself contains CRCs stays well mixed.
/// </remarks>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78;
    private const uint MaskDelta = 0xA282EAD8;
    private static readonly uint[] Table = BuildTable();

    /// <summary>CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    /// <summary>TensorFlow's masked CRC: ((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8 (mod 2³²).</summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);

    /// <summary>Inverse of <see cref="Mask"/>.</summary>
    public static uint Unmask(uint masked)
    {
        uint rotated = unchecked(masked - MaskDelta);
        return (rotated >> 17) | (rotated << 15);
    }

    /// <summary>The masked CRC-32C of <paramref name="data"/>, as TFRecord stores it.</summary>
    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
