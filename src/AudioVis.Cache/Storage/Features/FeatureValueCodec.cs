using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AudioVis.Cache.Analysis.Calculators;

namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// Encodes floats to the stored bytes of a <see cref="FeatureValueEncoding"/> and decodes them back, allocation-free.
/// A decibel encoding decodes through a table of its 2^bits values, built once per encoding in double precision, so a
/// code decodes to the same float wherever it is read. <see cref="Quantize(float)"/> rounds a computed value by the
/// encoding's rule (the analyzer's step); <see cref="RoundTrip"/> is what a store returns for any written value (a value
/// that is already a code's value comes back unchanged).
/// </summary>
internal sealed class FeatureValueCodec
{
    private const int CacheCapacity = 64;
    private static readonly ConcurrentDictionary<FeatureValueEncoding, FeatureValueCodec> Cache = new();

    private readonly FeatureValueEncoding _encoding;
    private readonly float[]? _table;
    private readonly double _low;
    private readonly double _high;
    private readonly double _step;
    private readonly double _levelsPerLog10;

    // The rule in float: level = (levels per neper)·ln(max(value, 2^−126)) by the library's float log (FastLog, the same bits
    // on every SIMD width), then code = round((level − low)·(1/step)) to nearest even, clamped to the codes.
    private readonly float _levelsPerNeper;
    private readonly float _lowF;
    private readonly float _codesPerLevel;

    private FeatureValueCodec(FeatureValueEncoding encoding)
    {
        _encoding = encoding;
        BytesPerValue = encoding.BytesPerValue;
        if (encoding.Kind is not (FeatureEncodingKind.Decibels16 or FeatureEncodingKind.Decibels8))
        {
            return;
        }

        (_low, _high, _step) = (encoding.Low, encoding.High, encoding.Step);
        _levelsPerLog10 = encoding.Scale switch
        {
            FeatureLevelScale.Amplitude => 20,
            FeatureLevelScale.Power => 10,
            _ => 0,
        };
        _levelsPerNeper = (float)(_levelsPerLog10 / Math.Log(10));
        _lowF = (float)_low;
        _codesPerLevel = (float)(1 / _step);
        _table = new float[encoding.Kind == FeatureEncodingKind.Decibels8 ? 256 : 65536];
        for (var q = 0; q < _table.Length; q++)
        {
            // The top code is High itself, not Low + max·Step, which may differ in the last bit.
            var level = q == _table.Length - 1 ? _high : _low + (q * _step);
            _table[q] = (float)(_levelsPerLog10 == 0 ? level : Math.Pow(10, level / _levelsPerLog10));
        }
    }

    public static FeatureValueCodec Float32 { get; } = new(FeatureValueEncoding.Float32);

    /// <summary>Gets the number of bytes a stored value takes.</summary>
    public int BytesPerValue { get; }

    /// <summary>Gets whether values are stored exactly (float32): encode and decode copy.</summary>
    public bool IsExact => _encoding.Kind == FeatureEncodingKind.Float32;

    /// <summary>Gets the codec of an encoding (cached: a 16-bit table is 256 KiB).</summary>
    public static FeatureValueCodec For(FeatureValueEncoding encoding)
    {
        if (encoding.Kind == FeatureEncodingKind.Float32)
        {
            return Float32;
        }

        if (Cache.TryGetValue(encoding, out var codec))
        {
            return codec;
        }

        if (Cache.Count >= CacheCapacity)
        {
            Cache.Clear();
        }

        return Cache.GetOrAdd(encoding, static e => new FeatureValueCodec(e));
    }

    /// <summary>Returns what a store gives back for <paramref name="value"/>: the value of its code.</summary>
    public float Quantize(float value) => _encoding.Kind switch
    {
        FeatureEncodingKind.Float32 => value,
        FeatureEncodingKind.Float16 => (float)(Half)value,
        _ => _table![CodeOf(value)],
    };

    /// <summary>Quantises every value in place.</summary>
    public void Quantize(Span<float> values)
    {
        if (IsExact)
        {
            return;
        }

        if (_table is not { } table)
        {
            foreach (ref var value in values)
            {
                value = Quantize(value);
            }

            return;
        }

        var codes = ArrayPool<int>.Shared.Rent(values.Length);
        try
        {
            CodesOf(values, codes);
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = table[codes[i]];
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(codes);
        }
    }

    /// <summary>
    /// Returns the values a store gives back for <paramref name="values"/> (encode, then decode), or <see langword="null"/>
    /// when that is every value itself (bit for bit), as it is for values quantised by <see cref="Quantize(Span{float})"/>.
    /// </summary>
    public float[]? RoundTrip(ReadOnlySpan<float> values)
    {
        if (IsExact)
        {
            return null;
        }

        float[]? result = null;
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < values.Length; i++)
        {
            Encode(values.Slice(i, 1), bytes);
            var stored = DecodeOne(bytes);
            if (result is null && BitConverter.SingleToInt32Bits(stored) != BitConverter.SingleToInt32Bits(values[i]))
            {
                result = values.ToArray();
            }

            if (result is not null)
            {
                result[i] = stored;
            }
        }

        return result;
    }

    /// <summary>Encodes values to <c>values.Length · BytesPerValue</c> little-endian bytes.</summary>
    public void Encode(ReadOnlySpan<float> values, Span<byte> destination)
    {
        switch (_encoding.Kind)
        {
            case FeatureEncodingKind.Float32 when BitConverter.IsLittleEndian:
                MemoryMarshal.AsBytes(values).CopyTo(destination);
                break;
            case FeatureEncodingKind.Float32:
                for (var i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(destination[(i * 4)..], values[i]);
                }

                break;
            case FeatureEncodingKind.Float16:
                for (var i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteHalfLittleEndian(destination[(i * 2)..], (Half)values[i]);
                }

                break;
            default:
                EncodeCodes(values, destination);
                break;
        }
    }

    /// <summary>Decodes <c>destination.Length</c> values from their little-endian bytes.</summary>
    public void Decode(ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (_encoding.Kind)
        {
            case FeatureEncodingKind.Float32 when BitConverter.IsLittleEndian:
                source[..(destination.Length * 4)].CopyTo(MemoryMarshal.AsBytes(destination));
                break;
            case FeatureEncodingKind.Decibels8:
                var table = _table!;
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = table[source[i]];
                }

                break;
            default:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = DecodeOne(source[(i * BytesPerValue)..]);
                }

                break;
        }
    }

    /// <summary>Decodes the value whose bytes start <paramref name="source"/>.</summary>
    public float DecodeOne(ReadOnlySpan<byte> source) => _encoding.Kind switch
    {
        FeatureEncodingKind.Float32 => BinaryPrimitives.ReadSingleLittleEndian(source),
        FeatureEncodingKind.Float16 => (float)BinaryPrimitives.ReadHalfLittleEndian(source),
        FeatureEncodingKind.Decibels16 => _table![BinaryPrimitives.ReadUInt16LittleEndian(source)],
        _ => _table![source[0]],
    };

    /// <summary>The code of a value by the encoding's rule (see the fields above); 0 for NaN and, for amplitude and power, 0 or less.</summary>
    internal int CodeOf(float value)
    {
        Span<int> code = stackalloc int[1];
        CodesOf(new ReadOnlySpan<float>(in value), code);
        return code[0];
    }

    // The codes of many values: their levels by the vectorised float log, then the clamp and rounding eight lanes at a time.
    private void CodesOf(ReadOnlySpan<float> values, Span<int> codes)
    {
        var levels = ArrayPool<float>.Shared.Rent(values.Length);
        try
        {
            var level = levels.AsSpan(0, values.Length);
            if (_levelsPerLog10 == 0)
            {
                values.CopyTo(level);
            }
            else
            {
                FastLog.ScaledLn(values, FastLog.MinNormal, _levelsPerNeper, level);
            }

            var max = _table!.Length - 1;
            var maxF = (float)max;
            var low = _lowF;
            var codesPerLevel = _codesPerLevel;
            var logarithmic = _levelsPerLog10 != 0;
            var i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // Lanes whose value is finite (and positive, for a level from the log) take the same clamp and round in
                // vectors; a block with any other value goes through the scalar loop below, value by value.
                var lowV = Vector256.Create(low);
                var scaleV = Vector256.Create(codesPerLevel);
                var maxV = Vector256.Create(maxF);
                var floorV = logarithmic ? Vector256<float>.Zero : Vector256.Create(float.MinValue);
                var infinityV = Vector256.Create(float.PositiveInfinity);
                for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    var v = Vector256.Create(values[i..]);
                    if (!Vector256.GreaterThanAll(v, floorV) || !Vector256.LessThanAll(v, infinityV))
                    {
                        ScalarCodes(values.Slice(i, Vector256<float>.Count), level.Slice(i, Vector256<float>.Count), codes.Slice(i, Vector256<float>.Count), low, codesPerLevel, maxF, max, logarithmic);
                        continue;
                    }

                    var x = (Vector256.Create<float>(level[i..]) - lowV) * scaleV;
                    x = Vector256.Min(Vector256.Max(x, Vector256<float>.Zero), maxV);
                    Vector256.ConvertToInt32(Vector256.Round(x)).CopyTo(codes[i..]);
                }
            }

            ScalarCodes(values[i..], level[i..], codes[i..], low, codesPerLevel, maxF, max, logarithmic);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(levels);
        }
    }

    private static void ScalarCodes(ReadOnlySpan<float> values, ReadOnlySpan<float> level, Span<int> codes, float low, float codesPerLevel, float maxF, int max, bool logarithmic)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            var x = (level[i] - low) * codesPerLevel;

            // NaN, the floor and below (and, with no level, 0 or less) → 0; the top and above (and +∞) → max;
            // otherwise round to nearest even (MathF.Round's default, one instruction).
            int code;
            if (x < maxF && value < float.PositiveInfinity)
            {
                code = x > 0 && (value > 0 || !logarithmic) ? (int)MathF.Round(x) : 0;
            }
            else
            {
                code = float.IsNaN(value) || (logarithmic && !(value > 0)) ? 0 : max;
            }

            codes[i] = code;
        }
    }

    // The stored code of each value, written as bytes: its own code when it is already a code's value (as the analyzer's
    // quantised values are), even when float rounding of a very narrow range would make the rule land on a neighbour.
    private void EncodeCodes(ReadOnlySpan<float> values, Span<byte> destination)
    {
        var table = _table!;
        var codes = ArrayPool<int>.Shared.Rent(values.Length);
        try
        {
            CodesOf(values, codes);
            for (var i = 0; i < values.Length; i++)
            {
                var code = codes[i];
                var value = values[i];
                if (table[code] != value && !float.IsNaN(value) && Array.BinarySearch(table, value) is >= 0 and var found)
                {
                    code = found;
                }

                if (BytesPerValue == 1)
                {
                    destination[i] = (byte)code;
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(i * 2)..], (ushort)code);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(codes);
        }
    }
}
