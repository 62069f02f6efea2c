namespace AudioVis.Cache.Storage.Features;

/// <summary>How a decibel-quantised value relates to its level ℓ in dB (<see cref="FeatureValueEncoding.Scale"/>); the number is the one stored in the blob.</summary>
public enum FeatureLevelScale
{
    /// <summary>The value is the level in dB itself (<c>spectrum.db</c>).</summary>
    Decibels = 0,

    /// <summary>The value is an amplitude: ℓ = 20·log10 v, decoded as 10^(ℓ/20) (<c>spectrum</c>).</summary>
    Amplitude = 1,

    /// <summary>The value is a power: ℓ = 10·log10 v, decoded as 10^(ℓ/10) (<c>spectrum.bandsN</c>).</summary>
    Power = 2,
}
