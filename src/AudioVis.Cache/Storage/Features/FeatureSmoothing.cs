namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// How a <see cref="FeatureSampler"/> smooths the frame values before interpolating, frame by frame and value by
/// value, in double precision; the result is the same on every machine. Part of the sampling options only, never of
/// the cache identity.
/// </summary>
public sealed record FeatureSmoothing
{
    private FeatureSmoothing(FeatureSmoothingKind kind, int frames, TimeSpan timeConstant)
    {
        Kind = kind;
        Frames = frames;
        TimeConstant = timeConstant;
    }

    /// <summary>Gets the no-smoothing value: the sampler uses the stored frame values.</summary>
    public static FeatureSmoothing None { get; } = new(FeatureSmoothingKind.None, 1, TimeSpan.Zero);

    /// <summary>Gets the kind of smoothing.</summary>
    public FeatureSmoothingKind Kind { get; }

    /// <summary>Gets the window length in frames of a <see cref="FeatureSmoothingKind.MovingAverage"/>; 1 otherwise.</summary>
    public int Frames { get; }

    /// <summary>Gets the time constant of an <see cref="FeatureSmoothingKind.Exponential"/> filter; <see cref="TimeSpan.Zero"/> otherwise.</summary>
    public TimeSpan TimeConstant { get; }

    /// <summary>
    /// A centred moving average: smoothed frame <c>k</c> is the mean of frames <c>k − (frames − 1)/2</c> …
    /// <c>k + (frames − 1)/2</c>, leaving out frames before the first and after the last (the window shrinks at the
    /// edges). It does not shift features in time.
    /// </summary>
    /// <param name="frames">The window length in frames: odd, 1 or more (1 is no smoothing).</param>
    /// <returns>The smoothing.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frames"/> is less than 1 or even.</exception>
    public static FeatureSmoothing MovingAverage(int frames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        if (frames % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frames), frames, $"A centred moving average needs an odd number of frames; got {frames}.");
        }

        return new FeatureSmoothing(FeatureSmoothingKind.MovingAverage, frames, TimeSpan.Zero);
    }

    /// <summary>
    /// A causal one-pole exponential filter, like a VU meter: <c>y[0] = x[0]</c>,
    /// <c>y[k] = y[k−1] + α·(x[k] − y[k−1])</c> with <c>α = 1 − exp(−hop / (sampleRate · τ))</c>. After a step the
    /// output covers 1 − 1/e ≈ 63 % of it within <paramref name="timeConstant"/>; it lags the input.
    /// </summary>
    /// <param name="timeConstant">The time constant τ; more than zero.</param>
    /// <returns>The smoothing.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeConstant"/> is zero or negative.</exception>
    public static FeatureSmoothing Exponential(TimeSpan timeConstant)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeConstant, TimeSpan.Zero);
        return new FeatureSmoothing(FeatureSmoothingKind.Exponential, 1, timeConstant);
    }

    /// <summary>Returns a description such as <c>MovingAverage(5 frames)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Kind switch
    {
        FeatureSmoothingKind.MovingAverage => $"MovingAverage({Frames} frames)",
        FeatureSmoothingKind.Exponential => $"Exponential(τ = {TimeConstant.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} s)",
        _ => "None",
    };
}
