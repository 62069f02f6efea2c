namespace AudioVis.Cache.Profiles;

/// <summary>The analysis window applied to each frame before the FFT.</summary>
public enum WindowFunction
{
    /// <summary>Symmetric Hann window (Essentia's <c>Windowing</c> definition), normalised so its sum is 2.</summary>
    Hann = 0,

    /// <summary>Symmetric Hamming window, normalised so its sum is 2.</summary>
    Hamming = 1,

    /// <summary>Symmetric Blackman window, normalised so its sum is 2.</summary>
    Blackman = 2,

    /// <summary>No window (all ones), normalised so its sum is 2.</summary>
    Rectangular = 3,
}
