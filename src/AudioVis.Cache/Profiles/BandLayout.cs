namespace AudioVis.Cache.Profiles;

/// <summary>How band-energy descriptors (<c>spectrum.bandsN</c>) space their N bands.</summary>
public enum BandLayout
{
    /// <summary>Band edges spaced evenly on a logarithmic frequency axis.</summary>
    Logarithmic = 0,

    /// <summary>Band edges spaced evenly on the HTK mel scale.</summary>
    Mel = 1,
}
