using System.Collections.Immutable;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Orleans.Grains;

// The core package knows nothing of Orleans, so its types cross the wire as these copies (strings and numbers only).

/// <summary>A <see cref="RegenerationRequest"/> on the wire.</summary>
[GenerateSerializer]
[Alias("AudioVis.Cache.Orleans.WireRequest")]
[Immutable]
internal sealed record WireRequest(
    [property: Id(0)] string TrackRef,
    [property: Id(1)] string ProfileId,
    [property: Id(2)] ImmutableArray<string> Descriptors,
    [property: Id(3)] RegenerationReason Reason,
    [property: Id(4)] ImmutableArray<string> RequestingElementIds,
    [property: Id(5)] string? TriggerDetail = null)
{
    public static WireRequest From(RegenerationRequest request) => new(
        request.Key.TrackRef,
        request.Key.AnalysisProfileId,
        [.. request.Descriptors.Select(static d => d.ToString())],
        request.Reason,
        [.. request.RequestingElementIds],
        request.TriggerDetail);

    public RegenerationRequest ToRequest() =>
        new(new CacheKey(TrackRef, ProfileId), [.. Descriptors.Select(DescriptorId.Parse)], Reason, RequestingElementIds) { TriggerDetail = TriggerDetail };
}

/// <summary>A job's error on the wire: its type and message (the exception object itself stays on the silo).</summary>
[GenerateSerializer]
[Alias("AudioVis.Cache.Orleans.WireError")]
[Immutable]
internal sealed record WireError([property: Id(0)] string TypeName, [property: Id(1)] string Message)
{
    public static WireError? From(Exception? error) => error is null ? null : new(error.GetType().FullName ?? error.GetType().Name, error.Message);

    public RemoteRegenerationException ToException() => new(TypeName, Message);
}

/// <summary>A <see cref="CacheMetadataRecord"/> on the wire; parameters in their canonical text.</summary>
[GenerateSerializer]
[Alias("AudioVis.Cache.Orleans.WireRecord")]
[Immutable]
internal sealed record WireRecord(
    [property: Id(0)] string Descriptor,
    [property: Id(1)] string RevisionHash,
    [property: Id(2)] string? Parameters,
    [property: Id(3)] string SourceContentHash,
    [property: Id(4)] string CalculatorId,
    [property: Id(5)] int CalculatorVersion,
    [property: Id(6)] DateTimeOffset AnalyzedAt)
{
    public static WireRecord From(CacheMetadataRecord record) => new(
        record.Descriptor.ToString(),
        record.ProfileRevisionHash.Value,
        record.Parameters?.ToCanonicalText(),
        record.SourceContentHash,
        record.CalculatorId,
        record.CalculatorVersion,
        record.AnalyzedAt);

    public CacheMetadataRecord ToRecord(CacheKey key) => new(
        key,
        DescriptorId.Parse(Descriptor),
        ProfileRevisionHash.Parse(RevisionHash),
        Parameters is null ? null : AnalysisParameters.ParseCanonicalText(Parameters),
        SourceContentHash,
        CalculatorId,
        CalculatorVersion,
        AnalyzedAt);
}

/// <summary>A <see cref="RegenerationOutcome"/> on the wire.</summary>
[GenerateSerializer]
[Alias("AudioVis.Cache.Orleans.WireOutcome")]
[Immutable]
internal sealed record WireOutcome(
    [property: Id(0)] long JobId,
    [property: Id(1)] string TrackRef,
    [property: Id(2)] string ProfileId,
    [property: Id(3)] RegenerationStatus Status,
    [property: Id(4)] ImmutableArray<string> Descriptors,
    [property: Id(5)] ImmutableArray<WireRecord> Records,
    [property: Id(6)] WireError? Error,
    [property: Id(7)] int Attempts)
{
    public static WireOutcome From(RegenerationOutcome outcome) => new(
        outcome.JobId,
        outcome.Key.TrackRef,
        outcome.Key.AnalysisProfileId,
        outcome.Status,
        [.. outcome.Descriptors.Select(static d => d.ToString())],
        [.. outcome.Records.Select(WireRecord.From)],
        WireError.From(outcome.Error),
        outcome.Attempts);

    public RegenerationOutcome ToOutcome()
    {
        var key = new CacheKey(TrackRef, ProfileId);
        return new RegenerationOutcome(
            JobId,
            key,
            Status,
            [.. Descriptors.Select(DescriptorId.Parse)],
            [.. Records.Select(r => r.ToRecord(key))],
            Error?.ToException(),
            Attempts);
    }
}

/// <summary>A <see cref="RegenerationStatusChanged"/> on the wire.</summary>
[GenerateSerializer]
[Alias("AudioVis.Cache.Orleans.WireStatus")]
[Immutable]
internal sealed record WireStatus(
    [property: Id(0)] long JobId,
    [property: Id(1)] string TrackRef,
    [property: Id(2)] string ProfileId,
    [property: Id(3)] ImmutableArray<string> Descriptors,
    [property: Id(4)] RegenerationReason Reason,
    [property: Id(5)] ImmutableArray<string> RequestingElementIds,
    [property: Id(6)] RegenerationStatus Status,
    [property: Id(7)] double Progress,
    [property: Id(8)] string? CurrentDescriptor,
    [property: Id(9)] WireError? Error,
    [property: Id(10)] int Attempt,
    [property: Id(11)] DateTimeOffset Timestamp)
{
    public static WireStatus From(RegenerationStatusChanged change) => new(
        change.JobId,
        change.Key.TrackRef,
        change.Key.AnalysisProfileId,
        [.. change.Descriptors.Select(static d => d.ToString())],
        change.Reason,
        [.. change.RequestingElementIds],
        change.Status,
        change.Progress,
        change.CurrentDescriptor?.ToString(),
        WireError.From(change.Error),
        change.Attempt,
        change.Timestamp);

    public RegenerationStatusChanged ToChange() => new(
        JobId,
        new CacheKey(TrackRef, ProfileId),
        [.. Descriptors.Select(DescriptorId.Parse)],
        Reason,
        RequestingElementIds,
        Status,
        Progress,
        CurrentDescriptor is null ? null : DescriptorId.Parse(CurrentDescriptor),
        Error?.ToException(),
        Attempt,
        Timestamp);
}

/// <summary>One silo's gates, as its worker last reported them.</summary>
[GenerateSerializer]
[Alias("AudioVis.Cache.Orleans.WireGates")]
[Immutable]
internal sealed record WireGates([property: Id(0)] bool Paused, [property: Id(1)] bool DeferredByExport);

/// <summary>
/// What <see cref="IRegenerationKeyGrain.WaitAsync"/> answers: the outcome; or nothing yet (<see cref="Known"/>, still running);
/// or that the grain does not know the request (it was reactivated elsewhere).
/// </summary>
[GenerateSerializer]
[Alias("AudioVis.Cache.Orleans.WireWait")]
[Immutable]
internal sealed record WireWait([property: Id(0)] WireOutcome? Outcome, [property: Id(1)] bool Known);
