using AudioVis.Cache.Profiles;
using CsCheck;

namespace AudioVis.Cache.Tests.Profiles;

public sealed class AnalysisParametersTests
{
    private const string DefaultCanonicalText =
        "audiovis-profile-v1\nwindow_size=2048\nhop_size=512\nfft_size=2048\nwindow=hann\ndb_min=-100\ndb_max=0\n" +
        "band_layout=log\nband_min_hz=20\nband_max_hz=20000\nsample_rate=native\n";

    private static readonly AnalysisParameters Custom = new()
    {
        WindowSize = 1000,
        HopSize = 333,
        FftSize = 1024,
        WindowFunction = WindowFunction.Blackman,
        MinDecibels = -96.5,
        MaxDecibels = 0.1,
        BandLayout = BandLayout.Mel,
        MinBandFrequency = 0.1 + 0.2,
        MaxBandFrequency = 11025,
        TargetSampleRate = 22050,
    };

    [Test]
    public void ToCanonicalText_Default_IsTheDocumentedEncoding()
    {
        Assert.That(AnalysisParameters.Default.ToCanonicalText(), Is.EqualTo(DefaultCanonicalText));
    }

    [Test]
    public void ToCanonicalText_UsesRoundTripDoublesAndInvariantCulture()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.That(
                Custom.ToCanonicalText(),
                Is.EqualTo("audiovis-profile-v1\nwindow_size=1000\nhop_size=333\nfft_size=1024\nwindow=blackman\ndb_min=-96.5\ndb_max=0.1\n" +
                           "band_layout=mel\nband_min_hz=0.30000000000000004\nband_max_hz=11025\nsample_rate=22050\n"));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    // Golden values computed independently (Python hashlib.sha256 over the documented encoding): a change here breaks every cache.
    [Test]
    public void RevisionHash_MatchesIndependentlyComputedSha256()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ProfileRevisionHash.Compute(AnalysisParameters.Default).Value, Is.EqualTo("dbc5985cd1954d885231a2e0bce9e84bd9328bc56867ba8e9b4afade358ab5db"));
            Assert.That(ProfileRevisionHash.Compute(Custom).Value, Is.EqualTo("42f7b10664c5be5025cfb61481efc32630bddef72ca2cb5eac40ad336a21ecc6"));
        });
    }

    [Test]
    public void RevisionHash_NegativeZeroEncodesAsZero()
    {
        var negativeZero = AnalysisParameters.Default with { MaxDecibels = -0.0 };

        Assert.That(ProfileRevisionHash.Compute(negativeZero), Is.EqualTo(ProfileRevisionHash.Compute(AnalysisParameters.Default)));
    }

    [Test]
    public void RevisionHash_ChangesWithEveryParameter()
    {
        AnalysisParameters[] variants =
        [
            AnalysisParameters.Default with { WindowSize = 1024 },
            AnalysisParameters.Default with { HopSize = 256 },
            AnalysisParameters.Default with { FftSize = 4096 },
            AnalysisParameters.Default with { WindowFunction = WindowFunction.Hamming },
            AnalysisParameters.Default with { MinDecibels = -90 },
            AnalysisParameters.Default with { MaxDecibels = 6 },
            AnalysisParameters.Default with { BandLayout = BandLayout.Mel },
            AnalysisParameters.Default with { MinBandFrequency = 30 },
            AnalysisParameters.Default with { MaxBandFrequency = 16000 },
            AnalysisParameters.Default with { TargetSampleRate = 44100 },
            AnalysisParameters.Default with { SpectrumEncoding = SpectrumEncoding.Float16 },
            AnalysisParameters.Default with { SpectrumEncoding = SpectrumEncoding.Decibels16 },
            AnalysisParameters.Default with { SpectrumEncoding = SpectrumEncoding.Decibels8 },
        ];

        var hashes = variants.Select(ProfileRevisionHash.Compute).Append(ProfileRevisionHash.Compute(AnalysisParameters.Default)).ToArray();

        Assert.That(hashes.Distinct().Count(), Is.EqualTo(hashes.Length));
    }

    [Test]
    public void ParseCanonicalText_RoundTrips()
    {
        Assert.Multiple(() =>
        {
            Assert.That(AnalysisParameters.ParseCanonicalText(DefaultCanonicalText), Is.EqualTo(AnalysisParameters.Default));
            Assert.That(AnalysisParameters.ParseCanonicalText(Custom.ToCanonicalText()), Is.EqualTo(Custom));
        });
    }

    [TestCase("", "not in the canonical encoding")]
    [TestCase("audiovis-profile-v2\n", "not in the canonical encoding")]
    [TestCase("audiovis-profile-v1\nwindow_size=2048\nhop_size=512\nfft_size=2048\nwindow=hann\ndb_min=-100\ndb_max=0\nband_layout=log\nband_min_hz=20\nband_max_hz=20000\nsample_rate=native", "not in the canonical encoding")]
    [TestCase("audiovis-profile-v1\nhop_size=512\nwindow_size=2048\nfft_size=2048\nwindow=hann\ndb_min=-100\ndb_max=0\nband_layout=log\nband_min_hz=20\nband_max_hz=20000\nsample_rate=native\n", "line 2 'hop_size=512' should start with 'window_size='")]
    [TestCase("audiovis-profile-v1\nwindow_size=2048\nhop_size=512\nfft_size=2048\nwindow=kaiser\ndb_min=-100\ndb_max=0\nband_layout=log\nband_min_hz=20\nband_max_hz=20000\nsample_rate=native\n", "Unknown window 'kaiser'")]
    [TestCase("audiovis-profile-v1\nwindow_size=02048\nhop_size=512\nfft_size=2048\nwindow=hann\ndb_min=-100\ndb_max=0\nband_layout=log\nband_min_hz=20\nband_max_hz=20000\nsample_rate=native\n", "not canonical")]
    [TestCase("audiovis-profile-v1\nwindow_size=99999999999\nhop_size=512\nfft_size=2048\nwindow=hann\ndb_min=-100\ndb_max=0\nband_layout=log\nband_min_hz=20\nband_max_hz=20000\nsample_rate=native\n", "out of range")]
    public void ParseCanonicalText_BadText_ThrowsFormatExceptionNamingTheProblem(string text, string expected)
    {
        Assert.That(() => AnalysisParameters.ParseCanonicalText(text), Throws.InstanceOf<FormatException>().With.Message.Contains(expected));
    }

    [Test]
    public void ToCanonicalPairs_EndWithTheSpectrumEncoding_EvenWhenItIsFloat32()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(AnalysisParameters.Default.ToCanonicalPairs()[^1], Is.EqualTo(new KeyValuePair<string, string>("spectrum_encoding", "float32")));
            Assert.That(AnalysisParameters.Default.ToCanonicalPairs(), Has.Count.EqualTo(11));
            Assert.That(
                new[] { SpectrumEncoding.Float16, SpectrumEncoding.Decibels16, SpectrumEncoding.Decibels8 }
                    .Select(e => (AnalysisParameters.Default with { SpectrumEncoding = e }).ToCanonicalPairs()[^1].Value),
                Is.EqualTo(new[] { "float16", "db16", "db8" }));
        }
    }

    // Profiles from before spectrum_encoding existed keep their text and so their revision (pinned above), so no cache goes stale.
    [Test]
    public void ToCanonicalText_Float32_OmitsTheSpectrumEncodingLine_OtherEncodingsAppendIt()
    {
        var db8 = AnalysisParameters.Default with { SpectrumEncoding = SpectrumEncoding.Decibels8 };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(AnalysisParameters.Default.ToCanonicalText(), Does.Not.Contain("spectrum_encoding"));
            Assert.That(db8.ToCanonicalText(), Is.EqualTo(DefaultCanonicalText + "spectrum_encoding=db8\n"));
            Assert.That(
                ProfileRevisionHash.Compute(db8).Value,
                Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(DefaultCanonicalText + "spectrum_encoding=db8\n")))));
        }
    }

    [TestCase(SpectrumEncoding.Float32)]
    [TestCase(SpectrumEncoding.Float16)]
    [TestCase(SpectrumEncoding.Decibels16)]
    [TestCase(SpectrumEncoding.Decibels8)]
    public void ParseCanonicalText_EveryEncoding_RoundTrips(SpectrumEncoding encoding)
    {
        var parameters = Custom with { SpectrumEncoding = encoding };

        Assert.That(AnalysisParameters.ParseCanonicalText(parameters.ToCanonicalText()), Is.EqualTo(parameters));
    }

    [TestCase("spectrum_encoding=float32\n", "not canonical")]
    [TestCase("spectrum_encoding=db4\n", "Unknown spectrum encoding 'db4'")]
    [TestCase("spectrum_encodings=db8\n", "line 12 'spectrum_encodings=db8' should start with 'spectrum_encoding='")]
    [TestCase("spectrum_encoding=db8\nspectrum_encoding=db8\n", "not in the canonical encoding")]
    public void ParseCanonicalText_BadSpectrumEncodingLine_ThrowsFormatExceptionNamingIt(string line, string expected)
    {
        Assert.That(() => AnalysisParameters.ParseCanonicalText(DefaultCanonicalText + line), Throws.InstanceOf<FormatException>().With.Message.Contains(expected));
    }

    [Test]
    public void Validate_SpectrumEncoding_UndefinedOrFloat16BeyondItsRange_IsListed()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(
                (AnalysisParameters.Default with { SpectrumEncoding = (SpectrumEncoding)7 }).GetErrors(),
                Is.EqualTo(new[] { "SpectrumEncoding 7 is not a defined spectrum encoding." }));
            Assert.That(
                (AnalysisParameters.Default with { SpectrumEncoding = SpectrumEncoding.Float16, MinDecibels = -70000 }).GetErrors(),
                Is.EqualTo(new[] { "With SpectrumEncoding Float16, MinDecibels -70000 and MaxDecibels 0 must be from -65504 to 65504 (the float16 range)." }));
            Assert.That((AnalysisParameters.Default with { SpectrumEncoding = SpectrumEncoding.Decibels8, MinDecibels = -70000 }).GetErrors(), Is.Empty);
        }
    }

    [Test]
    public void Validate_Default_Passes()
    {
        Assert.That(AnalysisParameters.Default.GetErrors(), Is.Empty);
    }

    [Test]
    public void Validate_EveryBrokenRule_IsListedWithTheOffendingValue()
    {
        var bad = new AnalysisParameters
        {
            FftSize = 1000,
            WindowSize = 2000,
            HopSize = 0,
            WindowFunction = (WindowFunction)9,
            MinDecibels = 0,
            MaxDecibels = -10,
            BandLayout = (BandLayout)7,
            MinBandFrequency = -1,
            MaxBandFrequency = 100,
            TargetSampleRate = 100,
        };

        var ex = Assert.Throws<InvalidAnalysisParametersException>(bad.Validate);

        Assert.That(ex!.Errors, Is.EqualTo(new[]
        {
            "FftSize 1000 must be a power of two from 64 to 16384.",
            "WindowSize 2000 must be from 2 to FftSize (1000).",
            "HopSize 0 must be from 1 to WindowSize (2000).",
            "WindowFunction 9 is not a defined window function.",
            "MinDecibels 0 must be finite and less than MaxDecibels -10.",
            "BandLayout 7 is not a defined band layout.",
            "MinBandFrequency -1 must be finite, at least 0 and less than MaxBandFrequency 100.",
            "TargetSampleRate 100 must be from 8000 to 384000 Hz, or null for the native rate.",
        }));
    }

    [TestCase(32)]
    [TestCase(32768)]
    [TestCase(3000)]
    public void Validate_FftSizeOutOfRange_Fails(int fftSize)
    {
        var parameters = AnalysisParameters.Default with { FftSize = fftSize, WindowSize = Math.Min(fftSize, 16) };

        Assert.That(parameters.GetErrors(), Has.Some.StartsWith($"FftSize {fftSize} must be a power of two"));
    }

    [Test]
    public void Validate_WindowSmallerThanFft_IsAllowed()
    {
        Assert.That((AnalysisParameters.Default with { WindowSize = 1500, FftSize = 2048, HopSize = 375 }).GetErrors(), Is.Empty);
    }

    [Test]
    public void CanonicalText_RoundTripsForRandomValidParameters() =>
        Gen.Select(Gen.Int[6, 14], Gen.Double[-200, -1], Gen.Double[0, 20000], Gen.Int[0, 3], Gen.Bool)
            .Sample((log2, minDb, minHz, window, mel) =>
            {
                var fft = 1 << log2;
                var parameters = new AnalysisParameters
                {
                    FftSize = fft,
                    WindowSize = fft,
                    HopSize = fft / 4,
                    MinDecibels = minDb,
                    MaxDecibels = minDb + 50,
                    MinBandFrequency = minHz,
                    MaxBandFrequency = minHz + 1,
                    WindowFunction = (WindowFunction)window,
                    BandLayout = mel ? BandLayout.Mel : BandLayout.Logarithmic,
                };
                var parsed = AnalysisParameters.ParseCanonicalText(parameters.ToCanonicalText());
                return parsed == parameters && ProfileRevisionHash.Compute(parsed) == ProfileRevisionHash.Compute(parameters);
            });
}
