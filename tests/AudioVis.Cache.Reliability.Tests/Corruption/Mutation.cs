namespace AudioVis.Cache.Reliability.Tests.Corruption;

/// <summary>The ways a file is damaged: cut short, a run of bytes zeroed, one bit flipped.</summary>
internal enum MutationKind
{
    Truncate,
    Zero,
    BitFlip,
}

/// <summary>One damaged copy of a file's bytes, at a seeded offset, and what was done to it.</summary>
internal sealed record Mutation(MutationKind Kind, byte[] Bytes, string Description)
{
    private const int MaxZeroRun = 16;

    public static readonly MutationKind[] Kinds = [MutationKind.Truncate, MutationKind.Zero, MutationKind.BitFlip];

    /// <summary>Damages a copy of <paramref name="original"/>; the result always differs from it.</summary>
    public static Mutation Apply(byte[] original, MutationKind kind, Random random)
    {
        switch (kind)
        {
            case MutationKind.Truncate:
                var length = random.Next(original.Length);
                return new(kind, original[..length], $"truncated to {length} of {original.Length} bytes");
            case MutationKind.Zero:
                while (true)
                {
                    var start = random.Next(original.Length);
                    var count = Math.Min(random.Next(1, MaxZeroRun + 1), original.Length - start);
                    if (original.AsSpan(start, count).ContainsAnyExcept((byte)0))
                    {
                        var zeroed = (byte[])original.Clone();
                        zeroed.AsSpan(start, count).Clear();
                        return new(kind, zeroed, $"{count} bytes zeroed at offset {start}");
                    }
                }

            default:
                var offset = random.Next(original.Length);
                var bit = random.Next(8);
                var flipped = (byte[])original.Clone();
                flipped[offset] ^= (byte)(1 << bit);
                return new(kind, flipped, $"bit {bit} flipped at offset {offset}");
        }
    }

    /// <summary>Seeded damaged copies: <paramref name="perKind"/> of each kind.</summary>
    public static IEnumerable<Mutation> Sweep(byte[] original, int perKind, int seed)
    {
        var random = new Random(seed);
        foreach (var kind in Kinds)
        {
            for (var i = 0; i < perKind; i++)
            {
                yield return Apply(original, kind, random);
            }
        }
    }
}
