namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// How a renderer reads values out of a feature blob (<see cref="FeatureSampler"/>).
/// </summary>
/// <remarks>
/// Sampling options never change cache identity: they are not stored in the blob and are not part of
/// <see cref="CacheKey"/>, the descriptor id or the profile revision hash. Two elements that sample the same
/// descriptor with different options share one cached blob, and changing options never makes an entry stale.
/// </remarks>
public sealed record FeatureSamplingOptions
{
    private readonly FeatureInterpolation _interpolation = FeatureInterpolation.Linear;
    private readonly FeatureSmoothing _smoothing = FeatureSmoothing.None;

    /// <summary>Gets the options with every default: linear interpolation, no smoothing.</summary>
    public static FeatureSamplingOptions Default { get; } = new();

    /// <summary>Gets how values between two frames are computed.</summary>
    /// <value>The default value is <see cref="FeatureInterpolation.Linear"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="FeatureInterpolation"/>.</exception>
    public FeatureInterpolation Interpolation
    {
        get => _interpolation;
        init => _interpolation = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Interpolation), value, $"Interpolation {(int)value} is not a defined {nameof(FeatureInterpolation)}.");
    }

    /// <summary>Gets how frame values are smoothed before interpolation.</summary>
    /// <value>The default value is <see cref="FeatureSmoothing.None"/>.</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public FeatureSmoothing Smoothing
    {
        get => _smoothing;
        init => _smoothing = value ?? throw new ArgumentNullException(nameof(Smoothing));
    }
}
