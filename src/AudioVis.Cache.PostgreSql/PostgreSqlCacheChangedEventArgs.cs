using AudioVis.Cache.Storage;

namespace AudioVis.Cache.PostgreSql;

/// <summary>A change of the shared cache seen by this node: the records of one key changed, or every key must be re-read.</summary>
public sealed class PostgreSqlCacheChangedEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="PostgreSqlCacheChangedEventArgs"/> class.</summary>
    /// <param name="key">The key whose records changed, or <see langword="null"/> for a resynchronisation.</param>
    public PostgreSqlCacheChangedEventArgs(CacheKey? key) => Key = key;

    /// <summary>Gets the key whose records were upserted or removed (by any node, this one included), or <see langword="null"/> when <see cref="IsResync"/>.</summary>
    public CacheKey? Key { get; }

    /// <summary>
    /// Gets a value indicating whether any key may have changed: the listener (re)connected, so changes made while it
    /// was not listening are unknown, or a key was too long for a notification payload.
    /// </summary>
    public bool IsResync => Key is null;
}
