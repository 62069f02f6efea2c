using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Intents;

/// <summary>
/// Shares one sorted descriptor array between intents that request the same set (bounded), so the differ can map
/// a set to its owner slots once per group instead of once per element.
/// </summary>
internal static class DescriptorSets
{
    private const int Capacity = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<SetKey, DescriptorId[]> Interned = new();

    public static DescriptorId[] Intern(DescriptorId[] sorted)
    {
        var key = new SetKey(sorted);
        if (Interned.TryGetValue(key, out var shared))
        {
            return shared;
        }

        return Interned.Count < Capacity ? Interned.GetOrAdd(key, sorted) : sorted;
    }

    private readonly struct SetKey(DescriptorId[] descriptors) : IEquatable<SetKey>
    {
        private readonly DescriptorId[] _descriptors = descriptors;
        private readonly int _hashCode = Hash(descriptors);

        public bool Equals(SetKey other) => _hashCode == other._hashCode && _descriptors.AsSpan().SequenceEqual(other._descriptors);

        public override bool Equals(object? obj) => obj is SetKey other && Equals(other);

        public override int GetHashCode() => _hashCode;

        private static int Hash(DescriptorId[] descriptors)
        {
            var hash = default(HashCode);
            foreach (var descriptor in descriptors)
            {
                hash.Add(descriptor);
            }

            return hash.ToHashCode();
        }
    }
}
