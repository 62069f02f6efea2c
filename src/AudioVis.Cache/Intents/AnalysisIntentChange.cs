namespace AudioVis.Cache.Intents;

/// <summary>What happened to an element's intent on the bus.</summary>
public enum AnalysisIntentChangeKind
{
    /// <summary>The element published its first intent.</summary>
    Published = 0,

    /// <summary>The element published an intent that asks for something different from its previous one.</summary>
    Updated = 1,

    /// <summary>The element's intent was retracted (the element was removed).</summary>
    Retracted = 2,
}

/// <summary>A change of one element's intent, emitted by the <see cref="IAnalysisIntentBus"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="ElementId">The element's id.</param>
/// <param name="Previous">The intent before the change; <see langword="null"/> for <see cref="AnalysisIntentChangeKind.Published"/>.</param>
/// <param name="Current">The intent after the change; <see langword="null"/> for <see cref="AnalysisIntentChangeKind.Retracted"/>.</param>
public sealed record AnalysisIntentChange(AnalysisIntentChangeKind Kind, string ElementId, AnalysisIntent? Previous, AnalysisIntent? Current);
