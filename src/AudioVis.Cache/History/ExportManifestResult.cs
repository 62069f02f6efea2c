namespace AudioVis.Cache.History;

/// <summary>What <see cref="IExportManifestWriter"/> wrote.</summary>
public sealed class ExportManifestResult
{
    /// <summary>Initializes a new instance of the <see cref="ExportManifestResult"/> class.</summary>
    /// <param name="path">The full path of the manifest.</param>
    /// <param name="entryCount">The number of history entries in it.</param>
    /// <param name="generatedAt">When it was generated (its <c>generatedAt</c>), in UTC.</param>
    /// <param name="previousExportAt">The <c>generatedAt</c> of the manifest it replaced, or <see langword="null"/> when there was none (or it was unreadable).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or <paramref name="entryCount"/> is negative.</exception>
    public ExportManifestResult(string path, int entryCount, DateTimeOffset generatedAt, DateTimeOffset? previousExportAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(entryCount);
        Path = path;
        EntryCount = entryCount;
        GeneratedAt = generatedAt.ToUniversalTime();
        PreviousExportAt = previousExportAt?.ToUniversalTime();
    }

    /// <summary>Gets the full path of the manifest (<c>&lt;ExportsRoot&gt;/&lt;sceneId&gt;/analysis-history.json</c>).</summary>
    public string Path { get; }

    /// <summary>Gets the number of history entries written.</summary>
    public int EntryCount { get; }

    /// <summary>Gets when the manifest was generated, in UTC.</summary>
    public DateTimeOffset GeneratedAt { get; }

    /// <summary>Gets when the scene was previously exported (the replaced manifest's <c>generatedAt</c>), in UTC; <see langword="null"/> for a first export.</summary>
    public DateTimeOffset? PreviousExportAt { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {EntryCount} entries at {GeneratedAt:O}";
}
