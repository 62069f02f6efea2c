namespace AudioVis.Cache.Storage.Features;

/// <summary>
/// Samples many elements for one video frame in one call: each element is a sampler and the index of the value it
/// draws (band 7 of <c>spectrum.bands32@L</c>, the only value of <c>rms@R</c>…). Build it once per scene; then
/// <see cref="Sample"/> fills one value per element, allocating nothing.
/// </summary>
/// <remarks>
/// The batch does not own the samplers: dispose them (or the readers behind them) yourself. <see cref="Add"/> is not safe
/// to call concurrently with anything; once built, <see cref="Sample"/> may run on several threads at once (each with its
/// own destination).
/// </remarks>
public sealed class FeatureSamplerBatch
{
    private FeatureSampler[] _samplers = [];
    private int[] _valueIndexes = [];

    /// <summary>Gets the number of elements.</summary>
    public int Count { get; private set; }

    /// <summary>Adds an element.</summary>
    /// <param name="sampler">The sampler of the element's descriptor; several elements may share one.</param>
    /// <param name="valueIndex">The index of the value the element draws, 0 to ValuesPerFrame − 1.</param>
    /// <returns>The element's index: where <see cref="Sample"/> writes its value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sampler"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="valueIndex"/> is outside the sampler's frame; the message names both.</exception>
    public int Add(FeatureSampler sampler, int valueIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        if ((uint)valueIndex >= (uint)sampler.ValuesPerFrame)
        {
            throw new ArgumentOutOfRangeException(
                nameof(valueIndex), valueIndex, $"Value index {valueIndex} is outside the {sampler.ValuesPerFrame} values per frame (0…{sampler.ValuesPerFrame - 1}) of {sampler.Header.Descriptor}.");
        }

        if (Count == _samplers.Length)
        {
            var capacity = Math.Max(16, Count * 2);
            Array.Resize(ref _samplers, capacity);
            Array.Resize(ref _valueIndexes, capacity);
        }

        _samplers[Count] = sampler;
        _valueIndexes[Count] = valueIndex;
        return Count++;
    }

    /// <summary>Samples every element at one time.</summary>
    /// <param name="seconds">The time in seconds from the start of the track: finite, 0 or more.</param>
    /// <param name="destination">Receives element <c>i</c>'s value at index <c>i</c>; at least <see cref="Count"/> long.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> is NaN, infinite or negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Count"/>.</exception>
    /// <exception cref="CorruptFeatureBlobException">A memory-mapped blob's chunk fails its checksum the first time it is read.</exception>
    public void Sample(double seconds, Span<float> destination)
    {
        if (destination.Length < Count)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values, but the batch has {Count} elements.", nameof(destination));
        }

        var samplers = _samplers.AsSpan(0, Count);
        var indexes = _valueIndexes.AsSpan(0, Count);
        for (var i = 0; i < samplers.Length; i++)
        {
            destination[i] = samplers[i].Sample(seconds, indexes[i]);
        }
    }
}
