using AudioVis.Cache.Descriptors;

namespace AudioVis.Cache.Storage;

/// <summary>Argument checks that every <see cref="ICacheMetadataStore"/> implementation can share.</summary>
public static class StoreGuard
{
    /// <summary>Throws when a key is the default value (created without its constructor).</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="ArgumentException">The key is <c>default</c>.</exception>
    public static void ThrowIfDefault(CacheKey key)
    {
        if (key.TrackRef is null || key.AnalysisProfileId is null)
        {
            throw new ArgumentException("The cache key is the default value; create it with new CacheKey(trackRef, profileId).", nameof(key));
        }
    }

    /// <summary>Throws when a batch of records cannot be written under one key.</summary>
    /// <param name="key">The key every record must belong to.</param>
    /// <param name="records">The records.</param>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A record belongs to another key, or two records share a descriptor id; the message names it.</exception>
    public static void ValidateBatch(CacheKey key, IReadOnlyList<CacheMetadataRecord> records)
    {
        ThrowIfDefault(key);
        ArgumentNullException.ThrowIfNull(records);
        var seen = new HashSet<DescriptorId>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i] ?? throw new ArgumentNullException(nameof(records), $"Record {i} of the batch for {key} is null.");
            if (!record.Key.Equals(key))
            {
                throw new ArgumentException($"Record {i} ({record.Descriptor}) belongs to {record.Key}, not to {key}.", nameof(records));
            }

            if (!seen.Add(record.Descriptor))
            {
                throw new ArgumentException($"The batch for {key} has two records for descriptor '{record.Descriptor}'.", nameof(records));
            }
        }
    }

    /// <summary>Throws when a list of descriptor ids is null or holds a null.</summary>
    /// <param name="descriptors">The descriptor ids.</param>
    /// <exception cref="ArgumentNullException">The list or one of its items is <see langword="null"/>.</exception>
    public static void ValidateDescriptors(IReadOnlyList<DescriptorId> descriptors)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        for (var i = 0; i < descriptors.Count; i++)
        {
            if (descriptors[i] is null)
            {
                throw new ArgumentNullException(nameof(descriptors), $"Descriptor {i} of the list is null.");
            }
        }
    }
}
