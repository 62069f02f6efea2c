using System.Buffers.Binary;
using CsCheck;

namespace AudioVis.Cache.Reliability.Tests.Fuzzing;

/// <summary>Damaged copies of valid files: byte flips, truncation, splices, random headers, boundary integers and random bytes.</summary>
internal static class ByteMutations
{
    private static readonly uint[] BoundaryIntegers = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF];

    /// <summary>Mutations of one of <paramref name="valid"/> (several applied in a row now and then).</summary>
    public static Gen<byte[]> Of(params byte[][] valid) =>
        Gen.Int[0, valid.Length - 1].SelectMany(i => Mutated(valid[i]));

    private static Gen<byte[]> Mutated(byte[] valid) =>
        Gen.Frequency(
            (6, One(valid)),
            (2, One(valid).SelectMany(One)),
            (1, Gen.Byte.Array[0, 512]));

    private static Gen<byte[]> One(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return Gen.Byte.Array[0, 64];
        }

        var at = Gen.Int[0, bytes.Length - 1];
        return Gen.OneOf(
            // Byte flips: 1-8 positions XORed with a non-zero mask.
            Gen.Select(at.Array[1, 8], Gen.Byte[1, 255].Array[8], (positions, masks) => Edit(bytes, b =>
            {
                for (var i = 0; i < positions.Length; i++)
                {
                    b[positions[i]] ^= masks[i];
                }
            })),
            // Truncation.
            Gen.Int[0, bytes.Length - 1].Select(length => bytes[..length]),
            // Splice: the bytes up to one point, then the bytes from another (a region dropped or repeated).
            Gen.Select(at, at, (cut, resume) => (byte[])[.. bytes[..cut], .. bytes[resume..]]),
            // A random header over the first 1-64 bytes.
            Gen.Byte.Array[1, 64].Select(header => Edit(bytes, b => header.AsSpan(0, Math.Min(header.Length, b.Length)).CopyTo(b))),
            // A boundary integer (a length, count or size field) written at any position, little or big endian.
            Gen.Select(at, Gen.Int[0, BoundaryIntegers.Length - 1], Gen.Bool, (position, which, little) => Edit(bytes, b =>
            {
                Span<byte> value = stackalloc byte[4];
                if (little)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(value, BoundaryIntegers[which]);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32BigEndian(value, BoundaryIntegers[which]);
                }

                value[..Math.Min(4, b.Length - position)].CopyTo(b.AsSpan(position));
            })),
            // Random bytes inserted.
            Gen.Select(at, Gen.Byte.Array[1, 32], (position, inserted) => (byte[])[.. bytes[..position], .. inserted, .. bytes[position..]]));
    }

    private static byte[] Edit(byte[] bytes, Action<byte[]> edit)
    {
        var copy = (byte[])bytes.Clone();
        edit(copy);
        return copy;
    }
}
