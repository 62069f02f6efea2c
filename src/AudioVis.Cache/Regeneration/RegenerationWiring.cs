using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Regeneration;

/// <summary>
/// Connects the queue and the diff scheduler in both directions without either knowing the other: the diff
/// scheduler sits upstream of the queue, so the queue only publishes "a job of this key ended" (and its outcome, and
/// "a host asked for these") and the DI layer turns that into <see cref="IDiffScheduler.Invalidate"/> and into the
/// failed states the differ reports (<see cref="RegenerationFailures"/>).
/// </summary>
internal static class RegenerationWiring
{
    public static void Connect(
        RegenerationQueue queue,
        IDiffScheduler scheduler,
        RegenerationOptions options,
        RegenerationFailures? failures = null,
        IAnalysisProfileRegistry? profiles = null,
        IDescriptorCatalog? catalog = null)
    {
        if (failures is not null && catalog is not null)
        {
            // Subscribed before the job-ended handler below, so a failure is recorded before the group is invalidated.
            queue.Own(queue.SubscribeJobFinished(finished => OnJobFinished(finished, failures, catalog)));

            // A host asking for a descriptor again (Retry, the panel's Regenerate, Regenerate All with failed ones) clears its
            // failed state; if the job fails again, the failure is recorded again.
            queue.Own(queue.SubscribeRequested(request =>
            {
                if (failures.Clear(request.Key, request.Descriptors))
                {
                    scheduler.Invalidate(request.Key);
                }
            }));

            // A profile edit changes the inputs of every descriptor of its keys (the scheduler re-diffs them already).
            if (profiles is not null)
            {
                queue.Own(profiles.Subscribe(change => failures.ClearProfile(change.ProfileId)));
            }
        }

        // Every final status invalidates, not only success: an analyzer may have written some descriptors of a
        // job that then failed (writes are atomic per descriptor), and a re-diff of an unchanged cache publishes nothing.
        queue.Own(queue.SubscribeJobEnded(scheduler.Invalidate));
        if (options.AutoRegenerate)
        {
            queue.Own(scheduler.Subscribe(queue.OnDiffPublished));
        }
    }

    private static void OnJobFinished(RegenerationJobFinished finished, RegenerationFailures failures, IDescriptorCatalog catalog)
    {
        var outcome = finished.Outcome;
        switch (outcome.Status)
        {
            case RegenerationStatus.Succeeded:
                failures.Clear(outcome.Key, outcome.Descriptors);
                break;

            // Only a job that ran can fail its descriptors (a queue fault fails jobs that never ran); cancelled jobs are not failures.
            case RegenerationStatus.Failed when finished.ProfileRevision is { } revision:
                var error = outcome.Error;
                var errorType = error?.GetType().FullName ?? "Unknown";
                var message = error?.Message ?? string.Empty;
                var attempts = Math.Max(1, outcome.Attempts);
                var recorded = new List<RegenerationFailure>(outcome.Descriptors.Count);
                foreach (var descriptor in outcome.Descriptors)
                {
                    if (catalog.TryGetDefinition(descriptor, out var definition))
                    {
                        recorded.Add(new RegenerationFailure(
                            new FailedDescriptor(descriptor, outcome.JobId, errorType, message, attempts, finished.At),
                            revision,
                            definition.CalculatorId,
                            definition.CalculatorVersion));
                    }
                }

                failures.Record(outcome.Key, recorded);
                break;
        }
    }
}
