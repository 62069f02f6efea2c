namespace AudioVis.Cache.Diagnostics;

/// <summary>What the diagnostics panel's rows are sorted by (<see cref="DiagnosticsPreferences.SortBy"/>).</summary>
public enum DiagnosticsSortKey
{
    /// <summary>The descriptor id (ordinal).</summary>
    Descriptor = 0,

    /// <summary>The status, in the order of <see cref="DiagnosticsStatus"/>, then the descriptor id.</summary>
    Status = 1,

    /// <summary>The last analysis time (never analysed first), then the descriptor id.</summary>
    LastAnalyzedAt = 2,
}

/// <summary>
/// How the user sorted and filtered the diagnostics panel; kept by an <see cref="IDiagnosticsPreferenceStore"/> between
/// sessions. Immutable; compare with <see cref="Equals(DiagnosticsPreferences)"/>.
/// </summary>
public sealed record DiagnosticsPreferences
{
    /// <summary>Gets the defaults: by descriptor, ascending, every status shown.</summary>
    public static DiagnosticsPreferences Default { get; } = new();

    /// <summary>Gets what rows are sorted by.</summary>
    public DiagnosticsSortKey SortBy { get; init; } = DiagnosticsSortKey.Descriptor;

    /// <summary>Gets a value indicating whether the sort is descending.</summary>
    public bool Descending { get; init; }

    /// <summary>Gets the statuses shown; empty shows every status.</summary>
    public IReadOnlyList<DiagnosticsStatus> ShownStatuses { get; init; } = [];

    /// <summary>Gets a value indicating whether a row with <paramref name="status"/> is shown.</summary>
    /// <param name="status">The status.</param>
    /// <returns><see langword="true"/> when shown.</returns>
    public bool Shows(DiagnosticsStatus status) => ShownStatuses.Count == 0 || ShownStatuses.Contains(status);

    /// <inheritdoc/>
    public bool Equals(DiagnosticsPreferences? other) =>
        other is not null && SortBy == other.SortBy && Descending == other.Descending && ShownStatuses.SequenceEqual(other.ShownStatuses);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(SortBy, Descending, ShownStatuses.Count);
}
