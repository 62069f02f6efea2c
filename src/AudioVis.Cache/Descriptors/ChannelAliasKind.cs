namespace AudioVis.Cache.Descriptors;

/// <summary>The kind of audio channel a descriptor is computed on.</summary>
public enum ChannelAliasKind
{
    /// <summary>The mean of all channels of the track (the default when a descriptor id has no alias).</summary>
    Mono = 0,

    /// <summary>The left channel (channel 1), written <c>L</c>.</summary>
    Left = 1,

    /// <summary>The right channel (channel 2), written <c>R</c>.</summary>
    Right = 2,

    /// <summary>(L + R) / 2, written <c>mid</c>.</summary>
    Mid = 3,

    /// <summary>(L − R) / 2, written <c>side</c>.</summary>
    Side = 4,

    /// <summary>A numbered channel of a multichannel track, written <c>ch1</c> … <c>ch64</c>.</summary>
    Numbered = 5,
}
