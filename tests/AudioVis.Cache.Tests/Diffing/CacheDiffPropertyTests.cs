using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;
using CsCheck;

namespace AudioVis.Cache.Tests.Diffing;

/// <summary>Set laws of the diff over random requested and cached sets.</summary>
public sealed class CacheDiffPropertyTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 20, 0, 0, TimeSpan.Zero);
    private static readonly AnalysisProfile Profile = new("p", AnalysisParameters.Default);
    private static readonly CacheKey Key = new("t.wav", "p");

    // A universe of ids: known ones of several calculators and channels, plus unknown ones.
    private static readonly string[] Universe =
    [
        "rms", "rms@L", "rms@R", "rms@mid", "peak", "zcr@side", "spectrum", "spectrum.db@L", "spectrum.bands8", "spectrum.bands32@R",
        "spectral.flux", "onset.strength", "mfcc@ch3", "chroma", "waveform.minmax", "beat.phase", "tempo@L",
    ];

    private enum CachedState
    {
        Current,
        OldParameters,
        OldCalculator,
        OldSource,
    }

    private static readonly Gen<(string Element, string[] Descriptors)[]> GenIntents =
        Gen.Select(Gen.Int[0, 5], Gen.Shuffle(Universe, 1, 5)).Array[0, 6]
            .Select(items => items.Select((item, i) => ($"element-{i}", item.Item2)).ToArray());

    private static readonly Gen<(string Descriptor, CachedState State)[]> GenCached =
        Gen.Shuffle(Universe, 0, 12).SelectMany(ids => Gen.Enum<CachedState>().Array[ids.Length].Select(states => ids.Zip(states).ToArray()));

    private static CacheMetadataRecord ToRecord((string Descriptor, CachedState State) cached) => cached.State switch
    {
        CachedState.OldParameters => Records.Make(Key, cached.Descriptor, Profile.Parameters with { HopSize = 256 }),
        CachedState.OldCalculator => Records.Make(Key, cached.Descriptor, Profile.Parameters, calculatorVersion: 0),
        CachedState.OldSource => Records.Make(Key, cached.Descriptor, Profile.Parameters, source: "old"),
        _ => Records.Make(Key, cached.Descriptor, Profile.Parameters),
    };

    private static CacheDiff Compute((string Element, string[] Descriptors)[] intents, (string Descriptor, CachedState State)[] cached) =>
        CacheDiffCalculator.Compute(
            Key,
            intents.Select(i => AnalysisIntent.Create(i.Element, Key.TrackRef, Key.AnalysisProfileId, i.Descriptors, At)).ToArray(),
            Profile,
            Records.Source,
            cached.Select(ToRecord).ToArray(),
            DescriptorCatalog.Default);

    [Test]
    public void Partition_MissingStaleCurrentUnknown_IsExactlyRequested() =>
        Gen.Select(GenIntents, GenCached).Sample((intents, cached) =>
        {
            var diff = Compute(intents, cached);
            var requested = intents.SelectMany(i => i.Descriptors).Select(DescriptorId.Parse).ToHashSet();
            var parts = new[] { diff.Missing, diff.Stale, diff.Current, diff.Unknown, diff.Unavailable };
            var union = parts.SelectMany(p => p).ToList();
            return union.Count == union.Distinct().Count()
                && union.ToHashSet().SetEquals(requested)
                && diff.DescriptorsRequested.ToHashSet().SetEquals(requested);
        });

    [Test]
    public void Partition_WithOnlyKnownDescriptors_MissingStaleCurrentIsRequested() =>
        Gen.Select(GenIntents, GenCached).Sample((intents, cached) =>
        {
            var known = intents.Select(i => (i.Element, i.Descriptors.Where(d => DescriptorCatalog.Default.TryGetDefinition(DescriptorId.Parse(d), out _)).ToArray()))
                .Where(i => i.Item2.Length > 0).ToArray();
            var diff = Compute(known, cached);
            var union = diff.Missing.Concat(diff.Stale).Concat(diff.Current).ToHashSet();
            return diff.Unknown.Count == 0 && union.SetEquals(diff.DescriptorsRequested)
                && diff.Missing.Intersect(diff.Stale).Concat(diff.Missing.Intersect(diff.Current)).Concat(diff.Stale.Intersect(diff.Current)).Any() == false;
        });

    // Issue #9 item 2: an unreadable track's known descriptors are all Unavailable; the partition laws still hold.
    [Test]
    public void UnreadableTrack_KnownRequestedAreUnavailable_UnknownStayUnknown_AndExtraneousIsUnchanged() =>
        Gen.Select(GenIntents, GenCached).Sample((intents, cached) =>
        {
            var error = new TrackSourceError(Key.TrackRef, TrackSourceProblem.Undecodable, "AudioVis.Cache.Analysis.Audio.AudioFormatException", "bad");
            var diff = CacheDiffCalculator.Compute(
                Key,
                intents.Select(i => AnalysisIntent.Create(i.Element, Key.TrackRef, Key.AnalysisProfileId, i.Descriptors, At)).ToArray(),
                Profile,
                TrackSourceStatus.Unreadable(error),
                cached.Select(ToRecord).ToArray(),
                DescriptorCatalog.Default);
            var readable = Compute(intents, cached);
            var union = diff.Unavailable.Concat(diff.Unknown).ToList();
            return diff.Missing.Count == 0 && diff.Stale.Count == 0 && diff.Current.Count == 0 && diff.Failed.Count == 0
                && !diff.RequiresRegeneration
                && union.Count == union.Distinct().Count()
                && union.ToHashSet().SetEquals(diff.DescriptorsRequested)
                && diff.Unavailable.SequenceEqual(diff.Unavailable.Order())
                && diff.Unknown.SequenceEqual(readable.Unknown)
                && diff.Extraneous.SequenceEqual(readable.Extraneous)
                && Equals(diff.SourceError, error)
                && (diff.Unavailable.Count == 0 || !diff.Equals(readable));
        });

    [Test]
    public void Extraneous_IsCachedMinusRequested() =>
        Gen.Select(GenIntents, GenCached).Sample((intents, cached) =>
        {
            var diff = Compute(intents, cached);
            var expected = cached.Select(c => DescriptorId.Parse(c.Descriptor)).Except(diff.DescriptorsRequested).Order().ToArray();
            return diff.Extraneous.SequenceEqual(expected);
        });

    [Test]
    public void Classification_FollowsTheCachedState() =>
        Gen.Select(GenIntents, GenCached).Sample((intents, cached) =>
        {
            var diff = Compute(intents, cached);
            var state = cached.ToDictionary(c => DescriptorId.Parse(c.Descriptor), c => c.State);
            return diff.Current.All(d => state[d] == CachedState.Current)
                && diff.Stale.All(d => state[d] != CachedState.Current)
                && diff.Missing.All(d => !state.ContainsKey(d))
                && diff.StaleDetails.All(s => s.Reasons.Count == 1 && s.Reasons[0] switch
                {
                    ProfileParametersChanged => state[s.Descriptor] == CachedState.OldParameters,
                    CalculatorChanged => state[s.Descriptor] == CachedState.OldCalculator,
                    SourceChanged => state[s.Descriptor] == CachedState.OldSource,
                    _ => false,
                });
        });

    [Test]
    public void Lists_AreInCanonicalOrder() =>
        Gen.Select(GenIntents, GenCached).Sample((intents, cached) =>
        {
            var diff = Compute(intents, cached);
            IReadOnlyList<DescriptorId>[] lists = [diff.DescriptorsRequested, diff.DescriptorsCached, diff.Missing, diff.Stale, diff.Current, diff.Extraneous, diff.Unknown];
            return lists.All(l => l.SequenceEqual(l.Order()))
                && diff.Owners.All(o => o.ElementIds.SequenceEqual(o.ElementIds.Order(StringComparer.Ordinal)));
        });

    [Test]
    public void Diff_IsIndependentOfInputOrder() =>
        Gen.Select(GenIntents, GenCached, Gen.Int).Sample((intents, cached, seed) =>
        {
            var random = new Random(seed);
            var shuffledIntents = intents.Select(i => (i.Element, i.Descriptors.OrderBy(_ => random.Next()).ToArray())).OrderBy(_ => random.Next()).ToArray();
            var shuffledCached = cached.OrderBy(_ => random.Next()).ToArray();
            return Compute(intents, cached).Equals(Compute(shuffledIntents, shuffledCached));
        });
}
