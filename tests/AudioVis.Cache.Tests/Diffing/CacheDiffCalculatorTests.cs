using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Intents;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.TestSupport;

namespace AudioVis.Cache.Tests.Diffing;

public sealed class CacheDiffCalculatorTests
{
    // The current version of the built-in time calculator (rms, zcr).
    private static readonly int TimeVersion = BuiltInCalculators.All.Single(c => c.Id == "time").Version;

    private static readonly DateTimeOffset At = new(2026, 11, 25, 20, 0, 0, TimeSpan.Zero);
    private static readonly AnalysisProfile Profile = new("p", AnalysisParameters.Default);
    private static readonly CacheKey Key = new("t.wav", "p");

    private static AnalysisIntent Intent(string element, params string[] descriptors) => AnalysisIntent.Create(element, "t.wav", "p", descriptors, At);

    private static CacheDiff Diff(AnalysisIntent[] intents, CacheMetadataRecord[] records, AnalysisProfile? profile = null, string? sourceHash = null) =>
        CacheDiffCalculator.Compute(Key, intents, profile ?? Profile, sourceHash, records, DescriptorCatalog.Default);

    private static string[] Text(IEnumerable<DescriptorId> ids) => [.. ids.Select(i => i.ToString())];

    [Test]
    public void Compute_NothingCached_AllMissing()
    {
        var diff = Diff([Intent("e", "rms", "zcr")], []);

        Assert.Multiple(() =>
        {
            Assert.That(Text(diff.Missing), Is.EqualTo(new[] { "rms", "zcr" }));
            Assert.That(diff.Stale, Is.Empty);
            Assert.That(diff.Current, Is.Empty);
            Assert.That(diff.Extraneous, Is.Empty);
            Assert.That(diff.DescriptorsCached, Is.Empty);
            Assert.That(diff.RequiresRegeneration, Is.True);
            Assert.That(diff.ProfileRevisionHash, Is.EqualTo(Profile.RevisionHash));
        });
    }

    [Test]
    public void Compute_EverythingCurrent_NoRegeneration()
    {
        var diff = Diff([Intent("e", "rms", "zcr")], [Records.Current(Key, "rms", Profile), Records.Current(Key, "zcr", Profile)]);

        Assert.Multiple(() =>
        {
            Assert.That(Text(diff.Current), Is.EqualTo(new[] { "rms", "zcr" }));
            Assert.That(diff.RequiresRegeneration, Is.False);
        });
    }

    [Test]
    public void Compute_MissingStaleExtraneousCurrentAndUnknownTogether()
    {
        var older = Profile.Parameters with { FftSize = 4096, HopSize = 1024 };
        var diff = Diff(
            [Intent("bars", "spectrum.bands32@L", "rms", "beat.phase"), Intent("pulse", "rms", "onset.strength")],
            [Records.Current(Key, "rms", Profile), Records.Make(Key, "spectrum.bands32@L", older), Records.Current(Key, "zcr", Profile)]);

        Assert.Multiple(() =>
        {
            Assert.That(Text(diff.DescriptorsRequested), Is.EqualTo(new[] { "beat.phase", "onset.strength", "rms", "spectrum.bands32@L" }));
            Assert.That(Text(diff.DescriptorsCached), Is.EqualTo(new[] { "rms", "spectrum.bands32@L", "zcr" }));
            Assert.That(Text(diff.Missing), Is.EqualTo(new[] { "onset.strength" }));
            Assert.That(Text(diff.Stale), Is.EqualTo(new[] { "spectrum.bands32@L" }));
            Assert.That(Text(diff.Current), Is.EqualTo(new[] { "rms" }));
            Assert.That(Text(diff.Extraneous), Is.EqualTo(new[] { "zcr" }));
            Assert.That(Text(diff.Unknown), Is.EqualTo(new[] { "beat.phase" }));
            Assert.That(diff.GetStaleReasons(DescriptorId.Parse("spectrum.bands32@L")), Is.EqualTo(new StaleReason[]
            {
                new ProfileParametersChanged([new("hop_size", "1024", "512"), new("fft_size", "4096", "2048")]),
            }));
            Assert.That(diff.GetOwners(DescriptorId.Parse("rms")), Is.EqualTo(new[] { "bars", "pulse" }));
            Assert.That(diff.GetOwners(DescriptorId.Parse("zcr")), Is.Empty);
            Assert.That(diff.Owners.Select(o => o.Descriptor.ToString()), Is.EqualTo(Text(diff.DescriptorsRequested)));
        });
    }

    [Test]
    public void Compute_NoIntents_EverythingCachedIsExtraneous()
    {
        var diff = Diff([], [Records.Current(Key, "rms", Profile)]);

        Assert.Multiple(() =>
        {
            Assert.That(diff.DescriptorsRequested, Is.Empty);
            Assert.That(Text(diff.Extraneous), Is.EqualTo(new[] { "rms" }));
            Assert.That(diff.RequiresRegeneration, Is.False);
        });
    }

    [Test]
    public void Compute_SourceChanged_IsStaleWithBothHashes()
    {
        var diff = Diff([Intent("e", "rms")], [Records.Current(Key, "rms", Profile)], sourceHash: "pcm-sha256:bbbb");

        Assert.That(diff.GetStaleReasons(DescriptorId.Parse("rms")), Is.EqualTo(new StaleReason[] { new SourceChanged(Records.Source, "pcm-sha256:bbbb") }));
    }

    [Test]
    public void Compute_SourceHashUnknown_DoesNotJudgeTheSource()
    {
        var diff = Diff([Intent("e", "rms")], [Records.Make(Key, "rms", Profile.Parameters, source: "anything")], sourceHash: null);

        Assert.That(Text(diff.Current), Is.EqualTo(new[] { "rms" }));
    }

    [Test]
    public void Compute_CalculatorVersionOrIdChanged_IsStale()
    {
        var diff = Diff(
            [Intent("e", "rms", "zcr")],
            [Records.Make(Key, "rms", Profile.Parameters, calculatorVersion: 0), Records.Make(Key, "zcr", Profile.Parameters, calculatorId: "legacy")]);

        Assert.Multiple(() =>
        {
            Assert.That(diff.GetStaleReasons(DescriptorId.Parse("rms")), Is.EqualTo(new StaleReason[] { new CalculatorChanged("time", 0, "time", TimeVersion) }));
            Assert.That(diff.GetStaleReasons(DescriptorId.Parse("zcr")), Is.EqualTo(new StaleReason[] { new CalculatorChanged("legacy", TimeVersion, "time", TimeVersion) }));
        });
    }

    // Issue #9 item 8: mfcc v4 sums every bin inside each mel triangle (Essentia's rule); entries from v3 are stale.
    [Test]
    public void Compute_MfccCachedByVersion3BeforeTheMelBandFix_IsStaleWithCalculatorChanged()
    {
        var diff = Diff([Intent("e", "mfcc@L")], [Records.Make(Key, "mfcc@L", Profile.Parameters, calculatorVersion: 3)]);

        Assert.That(diff.GetStaleReasons(DescriptorId.Parse("mfcc@L")), Is.EqualTo(new StaleReason[] { new CalculatorChanged("mfcc", 3, "mfcc", 4) }));
    }

    [Test]
    public void Compute_RevisionDiffersButParametersUnknown_IsRevisionUnknown()
    {
        var older = Profile.Parameters with { HopSize = 256 };
        var diff = Diff([Intent("e", "rms")], [Records.Make(Key, "rms", older, parametersKnown: false)]);

        Assert.That(
            diff.GetStaleReasons(DescriptorId.Parse("rms")),
            Is.EqualTo(new StaleReason[] { new RevisionUnknown(ProfileRevisionHash.Compute(older), Profile.RevisionHash) }));
    }

    [Test]
    public void Compute_SeveralReasons_AreListedInFixedOrder()
    {
        var older = Profile.Parameters with { HopSize = 1024 };
        var diff = Diff([Intent("e", "rms")], [Records.Make(Key, "rms", older, calculatorVersion: 0)], sourceHash: "new");

        Assert.That(diff.GetStaleReasons(DescriptorId.Parse("rms")), Is.EqualTo(new StaleReason[]
        {
            new ProfileParametersChanged([new("hop_size", "1024", "512")]),
            new SourceChanged(Records.Source, "new"),
            new CalculatorChanged("time", 0, "time", TimeVersion),
        }));
    }

    [Test]
    public void Compute_ProfileDeleted_CachedAreStaleNotCachedAreMissing()
    {
        var diff = CacheDiffCalculator.Compute(Key, [Intent("e", "rms", "zcr")], null, null, [Records.Current(Key, "rms", Profile)], DescriptorCatalog.Default);

        Assert.Multiple(() =>
        {
            Assert.That(diff.IsProfileDeleted, Is.True);
            Assert.That(diff.ProfileRevisionHash, Is.Null);
            Assert.That(Text(diff.Missing), Is.EqualTo(new[] { "zcr" }));
            Assert.That(diff.GetStaleReasons(DescriptorId.Parse("rms")), Is.EqualTo(new StaleReason[] { new ProfileDeleted("p") }));
            Assert.That(diff.ToString(), Does.EndWith("(profile deleted)"));
        });
    }

    [Test]
    public void StaleReasons_DescribeThemselvesForPeople()
    {
        var hashA = ProfileRevisionHash.Compute(AnalysisParameters.Default);
        var hashB = ProfileRevisionHash.Compute(AnalysisParameters.Default with { HopSize = 256 });

        Assert.Multiple(() =>
        {
            Assert.That(new ProfileParametersChanged([new("fft_size", "2048", "4096"), new("hop_size", "512", "1024")]).Description, Is.EqualTo("profile parameters changed: fft_size: 2048 → 4096, hop_size: 512 → 1024"));
            Assert.That(new SourceChanged("pcm-sha256:0123456789abcdef", "short").Description, Is.EqualTo("source audio changed (content hash pcm-sha256:0 → short)"));
            Assert.That(new CalculatorChanged("time", 1, "time", 2).Description, Is.EqualTo("calculator changed (time v1 → time v2)"));
            Assert.That(new RevisionUnknown(hashA, hashB).Description, Is.EqualTo($"profile revision {hashA.Short} is not the current {hashB.Short} and its parameters are unknown"));
            Assert.That(new ProfileDeleted("hires").Description, Is.EqualTo("analysis profile 'hires' was deleted"));
        });
    }

    [Test]
    public void Equals_EqualInputs_GiveEqualDiffs()
    {
        var records = new[] { Records.Current(Key, "rms", Profile), Records.Make(Key, "zcr", Profile.Parameters, calculatorVersion: 0) };
        var a = Diff([Intent("x", "rms", "zcr"), Intent("y", "peak")], records);
        var b = Diff([Intent("y", "peak"), Intent("x", "zcr", "rms")], [.. records.Reverse()]);
        var c = Diff([Intent("x", "rms", "zcr"), Intent("z", "peak")], records);

        Assert.Multiple(() =>
        {
            Assert.That(b, Is.EqualTo(a));
            Assert.That(b.GetHashCode(), Is.EqualTo(a.GetHashCode()));
            Assert.That(c, Is.Not.EqualTo(a), "owners differ");
        });
    }
    // Issue #9 item 3: an FFT-size edit marked the time-domain descriptors stale, though none of them reads the spectrum.
    [Test]
    public void Compute_FftSizeChanged_OnlySpectrumBasedDescriptorsStale()
    {
        var before = Profile.Parameters with { FftSize = 2048 };
        var after = new AnalysisProfile("p", before with { FftSize = 4096 });
        string[] timeDomain = ["peak", "rms", "waveform.minmax", "zcr"];
        string[] spectral = ["chroma", "mfcc", "onset.strength", "spectral.centroid", "spectrum", "spectrum.bands32", "spectrum.db"];
        string[] all = [.. timeDomain, .. spectral];
        var diff = Diff([Intent("e", all)], [.. all.Select(d => Records.Make(Key, d, before))], after);

        Assert.Multiple(() =>
        {
            Assert.That(Text(diff.Current), Is.EqualTo(timeDomain));
            Assert.That(Text(diff.Stale), Is.EqualTo(spectral));
            foreach (var descriptor in spectral)
            {
                Assert.That(
                    diff.GetStaleReasons(DescriptorId.Parse(descriptor)),
                    Is.EqualTo(new StaleReason[] { new ProfileParametersChanged([new("fft_size", "2048", "4096")]) }),
                    descriptor);
            }
        });
    }
    // Issue #10: a different spectrum encoding is a different cache entry, for the three spectrum descriptors only.
    [TestCase(SpectrumEncoding.Decibels8, "db8")]
    [TestCase(SpectrumEncoding.Float16, "float16")]
    public void Compute_SpectrumEncodingChanged_OnlySpectrumDbAndBandsStale_NamingTheChange(SpectrumEncoding encoding, string value)
    {
        var before = Profile.Parameters;
        var after = new AnalysisProfile("p", before with { SpectrumEncoding = encoding });
        string[] encoded = ["spectrum", "spectrum.bands32", "spectrum.db"];
        string[] others = ["chroma", "mfcc", "onset.strength", "peak", "rms", "spectral.centroid", "spectral.flatness", "spectral.flux", "spectral.rolloff", "waveform.minmax", "zcr"];
        string[] all = [.. encoded, .. others];
        var diff = Diff([Intent("e", all)], [.. all.Select(d => Records.Make(Key, d, before))], after);

        Assert.Multiple(() =>
        {
            Assert.That(Text(diff.Stale), Is.EqualTo(encoded));
            Assert.That(Text(diff.Current), Is.EquivalentTo(others));
            foreach (var descriptor in encoded)
            {
                var reasons = diff.GetStaleReasons(DescriptorId.Parse(descriptor));
                Assert.That(reasons, Is.EqualTo(new StaleReason[] { new ProfileParametersChanged([new("spectrum_encoding", "float32", value)]) }), descriptor);
                Assert.That(((ProfileParametersChanged)reasons![0]).Changes.Single().Sentence, Is.EqualTo($"Spectrum encoding changed from float32 to {value}"));
            }
        });
    }

    // With a decibel encoding the codes of spectrum and bands span the dB range, so a dB-range edit makes them stale too.
    [Test]
    public void Compute_DecibelRangeChangedUnderDb8_OnlySpectrumDbStale()
    {
        // spectrum and the bands store dB codes over a fixed span below their largest level, so the profile's dB range
        // changes only spectrum.db's values, under every encoding.
        var before = Profile.Parameters with { SpectrumEncoding = SpectrumEncoding.Decibels8 };
        var after = new AnalysisProfile("p", before with { MinDecibels = -96 });
        string[] all = ["rms", "spectral.centroid", "spectrum", "spectrum.bands32", "spectrum.db"];
        var diff = Diff([Intent("e", all)], [.. all.Select(d => Records.Make(Key, d, before))], after);

        Assert.Multiple(() =>
        {
            Assert.That(Text(diff.Stale), Is.EqualTo(new[] { "spectrum.db" }));
            Assert.That(diff.GetStaleReasons(DescriptorId.Parse("spectrum.db")), Is.EqualTo(new StaleReason[] { new ProfileParametersChanged([new("db_min", "-100", "-96")]) }));
        });
    }

    [Test]
    public void Compute_OnlyIndependentParametersChanged_CurrentAndKeepsItsRevision()
    {
        var before = Profile.Parameters;
        var after = new AnalysisProfile("p", before with { MinDecibels = -80, BandLayout = BandLayout.Mel, WindowFunction = WindowFunction.Hamming });
        var record = Records.Make(Key, "rms", before);
        var diff = Diff([Intent("e", "rms", "spectrum.db")], [record, Records.Make(Key, "spectrum.db", before)], after);

        Assert.Multiple(() =>
        {
            Assert.That(Text(diff.Current), Is.EqualTo(new[] { "rms" }));
            Assert.That(record.ProfileRevisionHash, Is.EqualTo(Profile.RevisionHash).And.Not.EqualTo(after.RevisionHash));
            Assert.That(diff.GetStaleReasons(DescriptorId.Parse("spectrum.db")), Is.EqualTo(new StaleReason[]
            {
                new ProfileParametersChanged([new("window", "hann", "hamming"), new("db_min", "-100", "-80")]),
            }));
        });
    }

    [Test]
    public void Compute_RevisionDiffersWithoutParameters_RevisionUnknownEvenForIndependentEdits()
    {
        var after = new AnalysisProfile("p", Profile.Parameters with { FftSize = 4096 });
        var diff = Diff([Intent("e", "rms")], [Records.Make(Key, "rms", Profile.Parameters, parametersKnown: false)], after);

        Assert.That(diff.GetStaleReasons(DescriptorId.Parse("rms")), Is.EqualTo(new StaleReason[]
        {
            new RevisionUnknown(Profile.RevisionHash, after.RevisionHash),
        }));
    }

    [Test]
    public void Compute_FailureWithUnchangedInputs_ListedFailedAndStillMissingOrStale()
    {
        var stale = Records.Make(Key, "zcr", Profile.Parameters, calculatorVersion: TimeVersion - 1);
        var failures = Failures(("rms", Failure("rms")), ("zcr", Failure("zcr")));

        var diff = CacheDiffCalculator.Compute(Key, [Intent("e", "rms", "zcr")], Profile, null, [stale], DescriptorCatalog.Default, failures);

        Assert.Multiple(() =>
        {
            Assert.That(diff.Failed, Is.EqualTo(new[] { failures[DescriptorId.Parse("rms")].Report, failures[DescriptorId.Parse("zcr")].Report }));
            Assert.That(Text(diff.Missing), Is.EqualTo(new[] { "rms" }));
            Assert.That(Text(diff.Stale), Is.EqualTo(new[] { "zcr" }));
            Assert.That(diff.ToString(), Does.EndWith("1 missing, 1 stale, 0 extraneous, 0 unknown, 2 failed"));
        });
    }

    [Test]
    public void Compute_FailureWhoseInputsChanged_NotListed()
    {
        var otherProfile = Failure("rms") with { ProfileRevision = new AnalysisProfile("p", Profile.Parameters with { HopSize = 256 }).RevisionHash };
        var otherCalculator = Failure("zcr") with { CalculatorVersion = TimeVersion - 1 };
        var otherSource = Failure("peak") with { SourceContentHash = "pcm-sha256:old", SourcePinned = true };
        var failures = Failures(("rms", otherProfile), ("zcr", otherCalculator), ("peak", otherSource));

        var diff = CacheDiffCalculator.Compute(Key, [Intent("e", "peak", "rms", "zcr")], Profile, "pcm-sha256:new", [], DescriptorCatalog.Default, failures);

        Assert.Multiple(() =>
        {
            Assert.That(diff.Failed, Is.Empty);
            Assert.That(diff.Missing, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public void Compute_FailureOfACurrentOrUnrequestedDescriptor_NotListed()
    {
        var failures = Failures(("rms", Failure("rms")), ("zcr", Failure("zcr")));

        var diff = CacheDiffCalculator.Compute(Key, [Intent("e", "rms")], Profile, null, [Records.Current(Key, "rms", Profile)], DescriptorCatalog.Default, failures);

        Assert.That(diff.Failed, Is.Empty);
    }

    [Test]
    public void Equals_DiffsDifferingOnlyInFailed_AreNotEqual()
    {
        var without = Diff([Intent("e", "rms")], []);
        var with = CacheDiffCalculator.Compute(Key, [Intent("e", "rms")], Profile, null, [], DescriptorCatalog.Default, Failures(("rms", Failure("rms"))));
        var again = CacheDiffCalculator.Compute(Key, [Intent("e", "rms")], Profile, null, [], DescriptorCatalog.Default, Failures(("rms", Failure("rms"))));

        Assert.Multiple(() =>
        {
            Assert.That(with, Is.Not.EqualTo(without));
            Assert.That(with, Is.EqualTo(again));
            Assert.That(with.GetHashCode(), Is.EqualTo(again.GetHashCode()));
        });
    }

    private static RegenerationFailure Failure(string descriptor)
    {
        var id = DescriptorId.Parse(descriptor);
        DescriptorCatalog.Default.TryGetDefinition(id, out var definition);
        return new RegenerationFailure(
            new FailedDescriptor(id, 7, "System.IO.InvalidDataException", "decoder exploded", 1, At),
            Profile.RevisionHash,
            definition!.CalculatorId,
            definition.CalculatorVersion);
    }

    private static Dictionary<DescriptorId, RegenerationFailure> Failures(params (string Descriptor, RegenerationFailure Failure)[] entries) =>
        entries.ToDictionary(e => DescriptorId.Parse(e.Descriptor), e => e.Failure);
    [Test]
    public void Compute_UnusableBlobs_CurrentBecomesStale_StaleGetsTheBlobReasonLast_WithoutRecordStaysMissing()
    {
        var corrupt = new BlobUnusable(AudioVis.Cache.Storage.Features.FeatureBlobCorruption.ChecksumMismatch, "/c/rms.avcf");
        var missing = new BlobUnusable(null, "/c/zcr.avcf");
        var gone = new BlobUnusable(null, "/c/spectral.centroid.avcf");
        var blobs = new Dictionary<DescriptorId, BlobHealthEntry>
        {
            [DescriptorId.Parse("rms")] = new(corrupt, At),
            [DescriptorId.Parse("zcr")] = new(missing, At),
            [DescriptorId.Parse("spectral.centroid")] = new(gone, At),
        };

        var diff = CacheDiffCalculator.Compute(
            Key,
            [Intent("e", "rms", "zcr", "spectral.centroid")],
            Profile,
            "pcm-sha256:bbbb",
            [Records.Make(Key, "rms", Profile.Parameters, source: "pcm-sha256:bbbb"), Records.Current(Key, "zcr", Profile)],
            DescriptorCatalog.Default,
            unusableBlobs: blobs);

        Assert.Multiple(() =>
        {
            Assert.That(Text(diff.Stale), Is.EqualTo(new[] { "rms", "zcr" }));
            Assert.That(diff.GetStaleReasons(DescriptorId.Parse("rms")), Is.EqualTo(new StaleReason[] { corrupt }), "the record is current; the blob is not");
            Assert.That(diff.GetStaleReasons(DescriptorId.Parse("zcr")), Is.EqualTo(new StaleReason[] { new SourceChanged(Records.Source, "pcm-sha256:bbbb"), missing }));
            Assert.That(Text(diff.Missing), Is.EqualTo(new[] { "spectral.centroid" }), "no record: missing, whatever the blob");
            Assert.That(diff.Current, Is.Empty);
            Assert.That(corrupt.Description, Is.EqualTo("cached values are corrupt (ChecksumMismatch)"));
            Assert.That(missing.Description, Is.EqualTo("cached values are missing"));
            Assert.That(missing.IsMissing, Is.True);
        });
    }
}
