namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// The values of one descriptor of one {track, profile, channel}: <see cref="FeatureBlobHeader.FrameCount"/> frames
/// of <see cref="FeatureBlobHeader.ValuesPerFrame"/> float32 values each, frame-major, behind a <see cref="Header"/>.
/// Immutable.
/// </summary>
public sealed class FeatureBlob
{
    private readonly float[] _values;

    /// <summary>Initializes a new instance of the <see cref="FeatureBlob"/> class with a copy of <paramref name="values"/>.</summary>
    /// <param name="header">The header.</param>
    /// <param name="values">
    /// The values, frame-major: value <c>v</c> of frame <c>k</c> is at <c>k × ValuesPerFrame + v</c>. Copied, so later
    /// changes to the caller's buffer do not change the blob.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="header"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The number of values is not FrameCount × ValuesPerFrame; the message names both.</exception>
    public FeatureBlob(FeatureBlobHeader header, ReadOnlySpan<float> values)
        : this(header, values.ToArray(), nameof(values))
    {
    }

    private FeatureBlob(FeatureBlobHeader header, float[] values, string paramName)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (values.Length != header.ValueCount)
        {
            throw new ArgumentException(
                $"The blob of {header.Descriptor} for {header.Key} has {values.Length} values, but its header declares {header.FrameCount} frames × {header.ValuesPerFrame} values per frame = {header.ValueCount}.",
                paramName);
        }

        Header = header;
        _values = values;
    }

    /// <summary>Gets the header.</summary>
    public FeatureBlobHeader Header { get; }

    /// <summary>Gets all values, frame-major.</summary>
    public ReadOnlyMemory<float> Values => _values;

    /// <summary>Gets the values of one frame.</summary>
    /// <param name="index">The 0-based frame index.</param>
    /// <returns>The <see cref="FeatureBlobHeader.ValuesPerFrame"/> values of the frame.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or not below FrameCount.</exception>
    public ReadOnlySpan<float> GetFrame(int index)
    {
        if ((uint)index >= (uint)Header.FrameCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(index),
                index,
                $"Frame index {index} is outside the {Header.FrameCount} frames (0…{Header.FrameCount - 1}) of {Header.Descriptor} for {Header.Key}.");
        }

        return _values.AsSpan(index * Header.ValuesPerFrame, Header.ValuesPerFrame);
    }

    /// <summary>Creates a blob that takes ownership of <paramref name="values"/> without copying it.</summary>
    internal static FeatureBlob CreateOwned(FeatureBlobHeader header, float[] values) => new(header, values, nameof(values));

    /// <summary>Gets the values as a span without copying.</summary>
    internal ReadOnlySpan<float> ValueSpan => _values;

    /// <summary>Gets the blob's own value array, for readers inside the library that never write to it.</summary>
    internal float[] SharedValueArray => _values;
}
