namespace AudioVis.Cache.History;

/// <summary>What a history entry records. Wire names (SQLite, manifests): <c>auto_regenerate</c>, <c>manual_regenerate</c>, <c>dismissed</c>.</summary>
public enum HistoryAction
{
    /// <summary>The queue regenerated descriptors on its own, from a published diff (<c>auto_regenerate</c>).</summary>
    AutoRegenerate = 0,

    /// <summary>A user or host asked for the regeneration: Regenerate All, a panel row, Retry, the CLI (<c>manual_regenerate</c>).</summary>
    ManualRegenerate = 1,

    /// <summary>An extraneous descriptor's blob and record were deleted (<c>dismissed</c>).</summary>
    Dismissed = 2,
}
