namespace AudioVis.Cache.Storage.Features;

/// <summary>How a feature blob stores its values (<see cref="FeatureValueEncoding.Kind"/>); the number is the id stored in the blob.</summary>
public enum FeatureEncodingKind
{
    /// <summary>IEEE 754 binary32, 4 bytes a value, every bit pattern kept (the only encoding before issue #10).</summary>
    Float32 = 0,

    /// <summary>IEEE 754 binary16, 2 bytes a value; a value is stored as <c>(Half)v</c>, rounded to nearest even.</summary>
    Float16 = 1,

    /// <summary>A level quantised uniformly to a 16-bit code over [<see cref="FeatureValueEncoding.Low"/>, <see cref="FeatureValueEncoding.High"/>], 2 bytes a value.</summary>
    Decibels16 = 2,

    /// <summary>A level quantised uniformly to an 8-bit code over [<see cref="FeatureValueEncoding.Low"/>, <see cref="FeatureValueEncoding.High"/>], 1 byte a value.</summary>
    Decibels8 = 3,
}
