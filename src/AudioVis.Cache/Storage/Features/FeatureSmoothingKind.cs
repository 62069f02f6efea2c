namespace AudioVis.Cache.Storage.Features;

/// <summary>The kind of a <see cref="FeatureSmoothing"/>.</summary>
public enum FeatureSmoothingKind
{
    /// <summary>No smoothing: the stored frame values.</summary>
    None = 0,

    /// <summary>A centred moving average over an odd number of frames (see <see cref="FeatureSmoothing.MovingAverage"/>).</summary>
    MovingAverage = 1,

    /// <summary>A causal one-pole exponential filter with a time constant (see <see cref="FeatureSmoothing.Exponential"/>).</summary>
    Exponential = 2,
}
