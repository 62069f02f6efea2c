using System.Globalization;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Intents;
using CsCheck;

namespace AudioVis.Cache.Tests.Intents;

public sealed class AnalysisIntentTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 21, 0, 0, 123, TimeSpan.FromHours(2));

    [Test]
    public void Create_SortsDescriptorsCanonically()
    {
        var intent = AnalysisIntent.Create("e1", "t.wav", "default", ["zcr", "rms@MID", "onset.strength", "rms"], At);

        Assert.That(intent.Descriptors.Select(d => d.ToString()), Is.EqualTo(new[] { "onset.strength", "rms", "rms@mid", "zcr" }));
    }

    [Test]
    public void Create_DuplicateAfterCanonicalisation_ThrowsNamingTheDescriptorAndElement()
    {
        var ex = Assert.Throws<DuplicateDescriptorException>(() => AnalysisIntent.Create("e1", "t.wav", "default", ["rms", "peak", "rms@mono"], At));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Descriptor, Is.EqualTo(DescriptorId.Parse("rms")));
            Assert.That(ex.ElementId, Is.EqualTo("e1"));
            Assert.That(ex.Message, Does.StartWith("The analysis intent of element 'e1' lists descriptor 'rms' more than once."));
        });
    }

    [Test]
    public void Create_MalformedDescriptor_ThrowsFormatErrorNamingIt()
    {
        Assert.That(
            () => AnalysisIntent.Create("e1", "t.wav", "default", ["rms", "spectrum..bands"], At),
            Throws.TypeOf<DescriptorIdFormatException>().With.Property("Input").EqualTo("spectrum..bands").And.Property("Position").EqualTo(9));
    }

    [TestCase(null, "t.wav", "default", typeof(ArgumentNullException), "elementId")]
    [TestCase("", "t.wav", "default", typeof(ArgumentException), "Element id must not be empty")]
    [TestCase("  ", "t.wav", "default", typeof(ArgumentException), "Element id must not be empty")]
    [TestCase("e\n1", "t.wav", "default", typeof(ArgumentException), "control character U+000A")]
    [TestCase("e1", null, "default", typeof(ArgumentNullException), "trackRef")]
    [TestCase("e1", "", "default", typeof(ArgumentException), "Track reference must not be empty")]
    [TestCase("e1", "t.wav", null, typeof(ArgumentNullException), "analysisProfileId")]
    [TestCase("e1", "t.wav", "", typeof(ArgumentException), "Analysis profile id '' is invalid")]
    [TestCase("e1", "t.wav", "bad id", typeof(ArgumentException), "Analysis profile id 'bad id' is invalid")]
    public void Constructor_BadIds_ThrowTypedErrorsNamingTheValue(string? elementId, string? trackRef, string? profileId, Type exceptionType, string message)
    {
        Assert.That(
            () => new AnalysisIntent(elementId!, trackRef!, profileId!, [DescriptorId.Parse("rms")], At),
            Throws.TypeOf(exceptionType).With.Message.Contains(message));
    }

    [Test]
    public void Constructor_NoDescriptorsOrNullDescriptor_Throws()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new AnalysisIntent("e1", "t", "default", [], At), Throws.ArgumentException.With.Message.Contains("at least one descriptor"));
            Assert.That(() => new AnalysisIntent("e1", "t", "default", [DescriptorId.Parse("rms"), null!], At), Throws.ArgumentNullException.With.Message.Contains("Descriptor 1"));
            Assert.That(() => new AnalysisIntent("e1", "t", "default", null!, At), Throws.ArgumentNullException);
            Assert.That(() => AnalysisIntent.Create("e1", "t", "default", [null!], At), Throws.ArgumentNullException);
        });
    }

    [Test]
    public void Constructor_TooLongTrackRef_Throws()
    {
        Assert.That(() => AnalysisIntent.Create("e1", new string('t', 1025), "default", ["rms"], At), Throws.ArgumentException.With.Message.Contains("1025 characters"));
    }

    [Test]
    public void RequestedAt_IsUtcAndRoundTripsAsIso8601()
    {
        var intent = AnalysisIntent.Create("e1", "t.wav", "default", ["rms"], At);

        var parsed = DateTimeOffset.Parse(intent.RequestedAtIso8601, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

        Assert.Multiple(() =>
        {
            Assert.That(intent.RequestedAt.Offset, Is.EqualTo(TimeSpan.Zero));
            Assert.That(intent.RequestedAt, Is.EqualTo(At));
            Assert.That(intent.RequestedAtIso8601, Is.EqualTo("2026-11-25T19:00:00.1230000+00:00"));
            Assert.That(parsed, Is.EqualTo(intent.RequestedAt));
            Assert.That(parsed.Ticks, Is.EqualTo(intent.RequestedAt.Ticks));
        });
    }

    [Test]
    public void MemoHash_IgnoresDescriptorOrderAndRequestedAtButNotContent()
    {
        var a = AnalysisIntent.Create("e1", "t.wav", "default", ["rms", "zcr"], At);
        var b = AnalysisIntent.Create("e1", "t.wav", "default", ["zcr", "rms"], At.AddHours(1));
        var otherTrack = AnalysisIntent.Create("e1", "u.wav", "default", ["rms", "zcr"], At);
        var otherProfile = AnalysisIntent.Create("e1", "t.wav", "hires", ["rms", "zcr"], At);
        var otherDescriptors = AnalysisIntent.Create("e1", "t.wav", "default", ["rms", "zcr@L"], At);

        Assert.Multiple(() =>
        {
            Assert.That(b.MemoHash, Is.EqualTo(a.MemoHash));
            Assert.That(b.HasSameRequest(a), Is.True);
            Assert.That(b, Is.Not.EqualTo(a), "RequestedAt is part of equality");
            Assert.That(new[] { otherTrack.MemoHash, otherProfile.MemoHash, otherDescriptors.MemoHash }, Has.None.EqualTo(a.MemoHash));
            Assert.That(otherTrack.HasSameRequest(a), Is.False);
        });
    }

    // The separator byte keeps {"ab", "c"} and {"a", "bc"} apart.
    [Test]
    public void MemoHash_SeparatesFields()
    {
        var a = AnalysisIntent.Create("e1", "tr", "ack", ["rms"], At);
        var b = AnalysisIntent.Create("e1", "tra", "ck", ["rms"], At);

        Assert.That(a.MemoHash, Is.Not.EqualTo(b.MemoHash));
    }

    // A golden value: the memo hash is documented as stable across processes.
    [Test]
    public void MemoHash_IsStableAcrossProcesses()
    {
        var intent = AnalysisIntent.Create("e1", "tracks/intro.wav", "default", ["spectrum.bands32@L", "rms@mid"], At);

        Assert.That(intent.MemoHash, Is.EqualTo(ExpectedMemoHash));
    }

    // Past the 1 KB stack buffer (a 1,000-character non-ASCII path is about 2 KB of UTF-8): the same documented bytes.
    [Test]
    public void MemoHash_LongNonAsciiTrackReference_HashesTheDocumentedBytes()
    {
        var track = "musique/" + new string('é', 1000) + ".wav";
        var intent = AnalysisIntent.Create("e1", track, "default", ["spectrum.bands32@L", "rms@mid"], At);

        var expected = System.IO.Hashing.XxHash3.HashToUInt64(System.Text.Encoding.UTF8.GetBytes($"{track}\0default\0rms@mid\0spectrum.bands32@L\0"));
        Assert.That(intent.MemoHash, Is.EqualTo(expected));
    }

    private static ulong ExpectedMemoHash =>
        System.IO.Hashing.XxHash3.HashToUInt64("tracks/intro.wav\0default\0rms@mid\0spectrum.bands32@L\0"u8);

    private static readonly string[] Pool = ["rms", "zcr", "peak@L", "mfcc@ch3", "chroma"];

    [Test]
    public void HasSameRequest_IsIndependentOfInputOrder() =>
        Gen.Shuffle(Pool, 1, 5).Sample(descriptors =>
        {
            var shuffled = descriptors.ToArray();
            Array.Reverse(shuffled);
            var a = AnalysisIntent.Create("e", "t", "default", descriptors, At);
            var b = AnalysisIntent.Create("e", "t", "default", shuffled, At);
            return a.HasSameRequest(b) && a.MemoHash == b.MemoHash;
        });
}
