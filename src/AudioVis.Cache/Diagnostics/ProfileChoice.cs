namespace AudioVis.Cache.Diagnostics;

/// <summary>An analysis profile a user can pick, e.g. as the replacement of a deleted one.</summary>
/// <param name="Id">The profile id, for <c>IRegenerationQueue.Retarget</c>.</param>
/// <param name="DisplayName">The name to show.</param>
public sealed record ProfileChoice(string Id, string DisplayName);
