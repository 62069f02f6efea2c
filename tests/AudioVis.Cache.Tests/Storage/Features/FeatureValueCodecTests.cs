using AudioVis.Cache.Storage.Features;
using CsCheck;

namespace AudioVis.Cache.Tests.Storage.Features;

/// <summary>
/// The error bound of every value encoding (docs/feature-blobs.md, "Value encodings"), as properties over random values and
/// random ranges, its documented edge behaviour, and that a quantised value is stored and read back exactly.
/// </summary>
public sealed class FeatureValueCodecTests
{
    // Float rounding of the decoded value, in dB: a float dB level (|ℓ| ≤ 400) is within 2^-24·512 of the double; an amplitude
    // or power within a relative 2^-24, i.e. 20/ln 10 · 2^-24 dB. Both well below the smallest half step tested.
    private const double FloatRoundingDb = 4e-5;

    private static readonly Gen<(FeatureValueEncoding Encoding, double Level)> DecibelCases =
        from kind in Gen.OneOf(Gen.Const(FeatureEncodingKind.Decibels16), Gen.Const(FeatureEncodingKind.Decibels8))
        from scale in Gen.OneOf(Gen.Const(FeatureLevelScale.Decibels), Gen.Const(FeatureLevelScale.Amplitude), Gen.Const(FeatureLevelScale.Power))
        from low in Gen.Double[-200, 50]
        from width in Gen.Double[1, 200]
        from at in Gen.Double[0, 1]
        select (FeatureValueEncoding.Decibels(kind, scale, low, low + width), low + (at * width));

    // The span paths (vectorised clamp and rounding, 8 lanes at a time; a block holding NaN, ±∞, 0 or a negative value goes
    // value by value) give the same codes as one value at a time, for spans of every length and mixes of special values.
    [Test]
    public void QuantizeAndEncode_OfASpan_EqualValueByValue_WithSpecialValuesAnywhere()
    {
        var special = Gen.OneOf(Gen.Const(float.NaN), Gen.Const(float.PositiveInfinity), Gen.Const(float.NegativeInfinity), Gen.Const(0f), Gen.Const(-0f), Gen.Const(float.Epsilon), Gen.Const(float.MaxValue));
        var values = Gen.Frequency((8, Gen.Float[-150f, 150f]), (8, Gen.Float[0f, 4f]), (1, special)).Array[0, 70];
        Gen.Select(DecibelCases, values).Sample(c =>
        {
            var codec = FeatureValueCodec.For(c.Item1.Encoding);
            var quantised = c.Item2.ToArray();
            codec.Quantize(quantised);
            var bytes = new byte[c.Item2.Length * codec.BytesPerValue];
            codec.Encode(quantised, bytes);
            var decoded = new float[c.Item2.Length];
            codec.Decode(bytes, decoded);
            for (var i = 0; i < c.Item2.Length; i++)
            {
                var one = codec.Quantize(c.Item2[i]);
                if (BitConverter.SingleToInt32Bits(one) != BitConverter.SingleToInt32Bits(quantised[i]) || BitConverter.SingleToInt32Bits(decoded[i]) != BitConverter.SingleToInt32Bits(one))
                {
                    return false;
                }
            }

            return true;
        });
    }

    [Test]
    public void Float16_RelativeErrorWithin2ToTheMinus11_InTheNormalRange() =>
        Gen.Select(Gen.Float[-1f, 1f], Gen.Int[-14, 15]).Select((m, e) => Math.Clamp(MathF.ScaleB(m, e), -65504f, 65504f)).Sample(value =>
        {
            var stored = Quantize(FeatureValueEncoding.Float16, value);
            var error = Math.Abs((double)stored - value);
            return Math.Abs(value) >= Math.ScaleB(1, -14) ? error <= Math.ScaleB(Math.Abs(value), -11) : error <= Math.ScaleB(1, -25);
        });

    [Test]
    public void Float16_SubnormalsAndTinyValues_AbsoluteErrorWithin2ToTheMinus25() =>
        Gen.Float[-6.2e-5f, 6.2e-5f].Sample(value => Math.Abs((double)Quantize(FeatureValueEncoding.Float16, value) - value) <= Math.ScaleB(1, -25));

    [Test]
    public void Float16_EdgeValues_AreAsDocumented()
    {
        var codec = FeatureValueCodec.For(FeatureValueEncoding.Float16);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(codec.Quantize(65504f), Is.EqualTo(65504f));
            Assert.That(codec.Quantize(70000f), Is.EqualTo(float.PositiveInfinity), "beyond the half range");
            Assert.That(codec.Quantize(-0f), Is.EqualTo(-0f).And.Matches<float>(float.IsNegative));
            Assert.That(codec.Quantize(1e-9f), Is.Zero, "below half the smallest subnormal (2^-25)");
            Assert.That(codec.Quantize(MathF.ScaleB(1, -24)), Is.EqualTo(MathF.ScaleB(1, -24)), "the smallest subnormal is kept");
            Assert.That(codec.Quantize(1 + MathF.ScaleB(1, -11)), Is.EqualTo(1f), "a tie rounds to even");
            Assert.That(float.IsNaN(codec.Quantize(float.NaN)), Is.True);
        }
    }

    [Test]
    public void Decibels_LevelErrorWithinHalfAStep_ForLevelsInTheRange() =>
        DecibelCases.Sample(c =>
        {
            var value = (float)ValueOf(c.Encoding.Scale, c.Level);
            var stored = Quantize(c.Encoding, value);

            // The level of the float actually given (the value is a float), against the level of the float read back.
            var error = Math.Abs(LevelOf(c.Encoding.Scale, stored) - LevelOf(c.Encoding.Scale, value));
            return error <= (c.Encoding.Step / 2) + FloatRoundingDb;
        });

    [TestCase(FeatureEncodingKind.Decibels8, -100, 0, 0.196)]
    [TestCase(FeatureEncodingKind.Decibels8, -96, 0, 0.188)]
    [TestCase(FeatureEncodingKind.Decibels16, -100, 0, 0.00076)]
    public void Step_HalfOfIt_IsTheDocumentedBound(FeatureEncodingKind kind, double low, double high, double bound)
    {
        Assert.That(FeatureValueEncoding.Decibels(kind, FeatureLevelScale.Decibels, low, high).Step / 2, Is.EqualTo(bound).Within(0.0005));
    }

    [TestCase(FeatureLevelScale.Decibels)]
    [TestCase(FeatureLevelScale.Amplitude)]
    [TestCase(FeatureLevelScale.Power)]
    public void Decibels_BelowTheFloorAboveTheTopZeroNegativeAndNaN_AreAsDocumented(FeatureLevelScale scale)
    {
        var encoding = FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels8, scale, -100, 0);
        var codec = FeatureValueCodec.For(encoding);
        var floor = (float)ValueOf(scale, -100);
        var top = (float)ValueOf(scale, 0);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(codec.Quantize((float)ValueOf(scale, -150)), Is.EqualTo(floor), "below the floor");
            Assert.That(codec.Quantize((float)ValueOf(scale, 20)), Is.EqualTo(top), "above the top");
            Assert.That(codec.Quantize(float.PositiveInfinity), Is.EqualTo(top));
            Assert.That(codec.Quantize(float.NaN), Is.EqualTo(floor));
            Assert.That(codec.Quantize(float.NegativeInfinity), Is.EqualTo(floor));
            if (scale != FeatureLevelScale.Decibels)
            {
                Assert.That(codec.Quantize(0f), Is.EqualTo(floor), "0 is −∞ dB");
                Assert.That(codec.Quantize(-0.5f), Is.EqualTo(floor), "a negative amplitude or power has no level");
                Assert.That(codec.Quantize(float.Epsilon), Is.EqualTo(floor));
            }

            Assert.That(codec.Quantize((float)ValueOf(scale, -100)), Is.EqualTo(floor), "the floor itself");
            Assert.That(codec.Quantize((float)ValueOf(scale, 0)), Is.EqualTo(top), "the top itself");
        }
    }

    // The analyzer quantises, the store encodes what it is given: a quantised value must come back bit for bit, on every code.
    [Test]
    public void EveryCode_EncodesToItself_AndDecodesToItsValue_ForRandomRanges() =>
        DecibelCases.Sample(
            c =>
            {
                var codec = FeatureValueCodec.For(c.Encoding);
                var codes = c.Encoding.Kind == FeatureEncodingKind.Decibels8 ? 256 : 65536;
                var values = new float[codes];
                var bytes = new byte[codes * c.Encoding.BytesPerValue];
                for (var q = 0; q < codes; q++)
                {
                    if (c.Encoding.Kind == FeatureEncodingKind.Decibels8)
                    {
                        bytes[q] = (byte)q;
                    }
                    else
                    {
                        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(q * 2), (ushort)q);
                    }
                }

                codec.Decode(bytes, values);
                var encoded = new byte[bytes.Length];
                codec.Encode(values, encoded);
                var decoded = new float[codes];
                codec.Decode(encoded, decoded);
                Assert.That(decoded, Is.EqualTo(values), "decode(encode(value of a code)) is the value");
                Assert.That(values.Select(codec.Quantize), Is.EqualTo(values), "quantising a code's value keeps it");
                Assert.That(values.Zip(values.Skip(1)).All(p => p.First <= p.Second), Is.True, "codes decode in increasing order");
                Assert.That(codec.RoundTrip(values), Is.Null);
            },
            iter: 40);

    [Test]
    public void RoundTrip_IsEncodeThenDecode_AndNullWhenNothingChanges()
    {
        var encoding = FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels8, FeatureLevelScale.Amplitude, -94, 6);
        var codec = FeatureValueCodec.For(encoding);
        float[] raw = [0f, 0.001f, 0.5f, 1f, 2f, 3f, float.NaN];
        var quantised = raw.Select(codec.Quantize).ToArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(codec.RoundTrip(raw), Is.EqualTo(quantised));
            Assert.That(codec.RoundTrip(quantised), Is.Null);
            Assert.That(FeatureValueCodec.For(FeatureValueEncoding.Float32).RoundTrip(raw), Is.Null);
            Assert.That(FeatureValueCodec.For(FeatureValueEncoding.Float16).RoundTrip([0.1f]), Is.EqualTo(new[] { (float)(Half)0.1f }));
        }
    }

    [Test]
    public void Encode_Float16AndDecibels_AreLittleEndianCodes()
    {
        var db16 = FeatureValueCodec.For(FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels16, FeatureLevelScale.Decibels, -100, 0));
        var db8 = FeatureValueCodec.For(FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels8, FeatureLevelScale.Decibels, -100, 0));
        var half = new byte[4];
        var codes16 = new byte[4];
        var codes8 = new byte[3];

        FeatureValueCodec.For(FeatureValueEncoding.Float16).Encode([1f, -2f], half);
        db16.Encode([-100f, 0f], codes16);
        db8.Encode([-100f, -50f, 0f], codes8);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Convert.ToHexStringLower(half), Is.EqualTo("003c00c0"));
            Assert.That(Convert.ToHexStringLower(codes16), Is.EqualTo("0000ffff"));
            Assert.That(Convert.ToHexStringLower(codes8), Is.EqualTo("0080ff"), "-50 dB is code 127.5, rounded to even: 128");
        }
    }

    [Test]
    public void For_SameEncoding_ReturnsOneCodec()
    {
        var a = FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels16, FeatureLevelScale.Power, -33.5, 66.5);
        var b = FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels16, FeatureLevelScale.Power, -33.5, 66.5);

        Assert.That(FeatureValueCodec.For(a), Is.SameAs(FeatureValueCodec.For(b)));
    }

    private static float Quantize(FeatureValueEncoding encoding, float value)
    {
        // Through the bytes, as a store does; the codec's Quantize must agree.
        var codec = FeatureValueCodec.For(encoding);
        var bytes = new byte[encoding.BytesPerValue];
        codec.Encode([value], bytes);
        var stored = codec.DecodeOne(bytes);
        Assert.That(BitConverter.SingleToInt32Bits(codec.Quantize(value)), Is.EqualTo(BitConverter.SingleToInt32Bits(stored)), $"Quantize({value}) = decode(encode)");
        return stored;
    }

    private static double ValueOf(FeatureLevelScale scale, double level) => scale switch
    {
        FeatureLevelScale.Amplitude => (float)Math.Pow(10, level / 20),
        FeatureLevelScale.Power => (float)Math.Pow(10, level / 10),
        _ => (float)level,
    };

    private static double LevelOf(FeatureLevelScale scale, double value) => scale switch
    {
        FeatureLevelScale.Amplitude => 20 * Math.Log10(value),
        FeatureLevelScale.Power => 10 * Math.Log10(value),
        _ => value,
    };
}
