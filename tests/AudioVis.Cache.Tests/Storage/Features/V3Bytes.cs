using System.Buffers.Binary;
using System.IO.Hashing;
using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Tests.Storage.Features;

/// <summary>Finds the parts of a format-version-3 blob (docs/feature-blobs.md) in its bytes, to damage them on purpose.</summary>
internal static class V3Bytes
{
    /// <summary>The byte offset of the chunk index (from the footer).</summary>
    public static int IndexOffset(byte[] bytes) => (int)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(bytes.Length - FeatureBlobFormat.V3FooterLength));

    /// <summary>The number of chunks (from the footer).</summary>
    public static int ChunkCount(byte[] bytes) => (int)BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(bytes.Length - FeatureBlobFormat.V3FooterLength + 8));

    /// <summary>The byte offset of the header: after the index.</summary>
    public static int HeaderOffset(byte[] bytes) => IndexOffset(bytes) + (FeatureBlobFormat.V3IndexEntryLength * ChunkCount(bytes));

    /// <summary>The offset of one of the six i32 header fields: after three strings, the 32-byte revision hash and two more strings.</summary>
    public static int HeaderIntOffset(byte[] bytes, int field)
    {
        var at = HeaderOffset(bytes);
        for (var i = 0; i < 5; i++)
        {
            at += 2 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at)) + (i == 2 ? 32 : 0);
        }

        return at + (4 * field);
    }

    /// <summary>The offset of the header's trailer (encoding u16, frames per chunk i32, then a decibel encoding's low, high and scale): after the parameters text and the time written.</summary>
    public static int TrailerOffset(byte[] bytes)
    {
        var parameters = HeaderIntOffset(bytes, 6);
        return parameters + 2 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(parameters)) + 8;
    }

    /// <summary>Applies an edit, then recomputes the footer's checksum, so only the structure or header is wrong.</summary>
    public static byte[] WithFooterChecksum(byte[] bytes, Action<byte[]> edit)
    {
        edit(bytes);
        var hasher = new XxHash3();
        hasher.Append(bytes.AsSpan(0, FeatureBlobFormat.PreambleLength));
        hasher.Append(bytes.AsSpan(IndexOffset(bytes), bytes.Length - IndexOffset(bytes) - 8));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), hasher.GetCurrentHashAsUInt64());
        return bytes;
    }
}
