namespace AudioVis.Cache.Diagnostics;

/// <summary>A button the banner offers (<see cref="BannerViewModel.Actions"/>), in the order to show them.</summary>
public enum BannerAction
{
    /// <summary>Regenerate every missing and stale descriptor: <c>IRegenerationQueue.RegenerateAll(diffs)</c>.</summary>
    RegenerateAll = 0,

    /// <summary>Open the diagnostics panel.</summary>
    OpenDiagnostics = 1,

    /// <summary>Open <see cref="BannerViewModel.LearnMoreLink"/>.</summary>
    LearnMore = 2,

    /// <summary>Run the failed jobs again: <c>IRegenerationQueue.Retry(jobId)</c> for each of <see cref="BannerViewModel.FailedJobIds"/>.</summary>
    Retry = 3,

    /// <summary>Choose a replacement for a deleted profile among <see cref="BannerViewModel.ReplacementCandidates"/>: <c>IRegenerationQueue.Retarget</c>.</summary>
    ChooseReplacementProfile = 4,
}
