namespace AudioVis.Cache.Storage.Features;

/// <summary>How a <see cref="FeatureSampler"/> turns frame values into a value at any time.</summary>
public enum FeatureInterpolation
{
    /// <summary>Straight line between the two frames whose times enclose the requested time.</summary>
    Linear = 0,

    /// <summary>The value of the frame whose time is nearest; exactly half-way picks the later frame.</summary>
    Nearest = 1,
}
