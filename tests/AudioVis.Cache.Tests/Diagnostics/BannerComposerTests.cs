using System.Globalization;
using System.Text;
using ApprovalTests;
using ApprovalTests.Reporters;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diagnostics;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;

namespace AudioVis.Cache.Tests.Diagnostics;

/// <summary>The banner of issue #11, one snapshot per state, composed from fixed diffs and job events.</summary>
[UseReporter(typeof(QuietReporter))]
public sealed class BannerComposerTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 20, 0, 0, TimeSpan.Zero);
    private static readonly AnalysisProfile HiRes = new("hires", AnalysisParameters.Default with { FftSize = 4096, WindowSize = 4096 }, "HighRes FFT");
    private static readonly AnalysisProfile LoRes = new("lores", AnalysisParameters.Default with { FftSize = 1024, WindowSize = 1024 }, "LoRes FFT");
    private static readonly CacheKey Intro = new("intro.wav", "hires");
    private static readonly CacheKey Drop = new("drop.ogg", "lores");

    [Test]
    public void Clean_IsHidden() =>
        Assert.That(BannerComposer.Compose(Inputs([Diff(Intro, HiRes, ["rms"], current: ["rms"])])), Is.SameAs(BannerViewModel.Hidden));

    [Test]
    public void FeatureFlagOff_IsHidden_WhateverTheDiffs() =>
        Assert.That(BannerComposer.Compose(Inputs([Diff(Intro, HiRes, ["rms", "zcr"])]) with { Enabled = false }).IsVisible, Is.False);

    [Test]
    public void NeedsRegeneration_OneProfile_WithCostPreview() =>
        Verify(Inputs([Diff(Intro, HiRes, ["rms", "zcr"])]) with { EstimatedDuration = TimeSpan.FromSeconds(12.3) });

    [Test]
    public void NeedsRegeneration_OneDescriptor_IsSingular() =>
        Assert.That(BannerComposer.Compose(Inputs([Diff(Intro, HiRes, ["rms"])])).Message, Is.EqualTo("1 descriptor requires regeneration to match the 'HighRes FFT' profile."));

    [Test]
    public void NeedsRegeneration_TwoProfiles() =>
        Verify(Inputs([Diff(Intro, HiRes, ["rms", "zcr"]), Diff(Drop, LoRes, ["onset.strength"])]));

    [Test]
    public void Regenerating_WithProgress() =>
        Verify(Inputs([Diff(Intro, HiRes, ["rms", "zcr"]), Diff(Drop, LoRes, ["onset.strength"])]) with
        {
            ActiveJobs = [Job(1, Intro, RegenerationStatus.Running, 0.5, "rms", "zcr"), Job(2, Drop, RegenerationStatus.Queued, 0, "onset.strength")],
        });

    [Test]
    public void Paused_WorkerOffline() =>
        Verify(Inputs([Diff(Intro, HiRes, ["rms", "zcr"])]) with
        {
            WorkerAvailable = false,
            ActiveJobs = [Job(1, Intro, RegenerationStatus.Paused, 0, "rms", "zcr")],
        });

    [Test]
    public void QueuedAfterExport() =>
        Verify(Inputs([Diff(Intro, HiRes, ["rms", "zcr"])]) with
        {
            ExportInProgress = true,
            ActiveJobs = [Job(1, Intro, RegenerationStatus.QueuedAfterExport, 0, "rms", "zcr")],
        });

    [Test]
    public void ProfileDeleted_AsksForAReplacement_ListingTheCandidates() =>
        Verify(Inputs([Diff(new CacheKey("intro.wav", "legacy"), null, ["rms", "zcr", "peak"], cached: ["rms", "zcr", "peak"])]));

    [Test]
    public void Failed_OffersRetry_AndRegenerateAllForTheOthers() =>
        Verify(Inputs([Diff(Intro, HiRes, ["rms", "zcr", "peak"], failed: ["rms"])]));

    [Test]
    public void DurationFormat() =>
        Assert.Multiple(() =>
        {
            Assert.That(BannerComposer.Format(TimeSpan.FromMilliseconds(400)), Is.EqualTo("less than a second"));
            Assert.That(BannerComposer.Format(TimeSpan.FromSeconds(59.2)), Is.EqualTo("about 60 s"));
            Assert.That(BannerComposer.Format(TimeSpan.FromMinutes(2.5)), Is.EqualTo("about 3 min"));
            Assert.That(BannerComposer.Format(TimeSpan.FromMinutes(80)), Is.EqualTo("about 1 h 20 min"));
        });

    [Test]
    public void EqualInputs_GiveEqualViewModels() =>
        Assert.That(
            BannerComposer.Compose(Inputs([Diff(Intro, HiRes, ["rms", "zcr"], failed: ["rms"])])),
            Is.EqualTo(BannerComposer.Compose(Inputs([Diff(Intro, HiRes, ["rms", "zcr"], failed: ["rms"])]))));

    private static BannerInputs Inputs(CacheDiff[] diffs) => new(diffs, [], WorkerAvailable: true, ExportInProgress: false, [AnalysisProfile.Default, HiRes, LoRes], null, Enabled: true);

    /// <summary>A diff of <paramref name="requested"/>: <paramref name="current"/> are cached and current, <paramref name="cached"/> cached with old parameters (stale), the rest missing.</summary>
    private static CacheDiff Diff(CacheKey key, AnalysisProfile? profile, string[] requested, string[]? current = null, string[]? cached = null, string[]? failed = null)
    {
        var records = (current ?? []).Select(d => Records.Make(key, d, profile!.Parameters))
            .Concat((cached ?? []).Select(d => Records.Make(key, d, AnalysisParameters.Default with { HopSize = 256 })))
            .ToArray();
        var failures = (failed ?? []).ToDictionary(
            DescriptorId.Parse,
            d =>
            {
                DescriptorCatalog.Default.TryGetDefinition(DescriptorId.Parse(d), out var definition);
                return new RegenerationFailure(new FailedDescriptor(DescriptorId.Parse(d), 7, "System.IO.InvalidDataException", "decoder exploded", 3, At), profile!.RevisionHash, definition!.CalculatorId, definition.CalculatorVersion);
            });
        return CacheDiffCalculator.Compute(key, [AnalysisIntent.Create("element", key.TrackRef, key.AnalysisProfileId, requested, At)], profile, Records.Source, records, DescriptorCatalog.Default, failures.Count > 0 ? failures : null);
    }

    private static RegenerationStatusChanged Job(long id, CacheKey key, RegenerationStatus status, double progress, params string[] descriptors) =>
        new(id, key, [.. descriptors.Select(DescriptorId.Parse)], RegenerationReason.Missing, ["element"], status, progress, null, null, status == RegenerationStatus.Running ? 1 : 0, At);

    private static void Verify(BannerInputs inputs)
    {
        var banner = BannerComposer.Compose(inputs);
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"state: {banner.State}")
            .AppendLine(CultureInfo.InvariantCulture, $"visible: {banner.IsVisible}, blocking: {banner.IsBlocking}")
            .AppendLine(CultureInfo.InvariantCulture, $"message: {banner.Message}")
            .AppendLine(CultureInfo.InvariantCulture, $"descriptors: {banner.DescriptorCount}")
            .AppendLine(CultureInfo.InvariantCulture, $"progress: {banner.Progress?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-"}")
            .AppendLine(CultureInfo.InvariantCulture, $"estimated duration: {banner.EstimatedDuration?.ToString() ?? "-"}")
            .AppendLine(CultureInfo.InvariantCulture, $"actions: {string.Join(", ", banner.Actions)}")
            .AppendLine(CultureInfo.InvariantCulture, $"deleted profiles: {string.Join(", ", banner.DeletedProfiles.Select(p => p.Id))}")
            .AppendLine(CultureInfo.InvariantCulture, $"replacement candidates: {string.Join(", ", banner.ReplacementCandidates.Select(p => $"{p.DisplayName} ({p.Id})"))}")
            .AppendLine(CultureInfo.InvariantCulture, $"retry jobs: {string.Join(", ", banner.FailedJobIds)}")
            .AppendLine(CultureInfo.InvariantCulture, $"learn more: {banner.LearnMoreLink}")
            .ToString();
        Approvals.Verify(text);
    }
}
