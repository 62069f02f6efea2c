namespace AudioVis.Cache.Analysis;

/// <summary>Computes one descriptor's values for consecutive frames of one track.</summary>
/// <remarks>Not thread-safe: one computer serves one {track, profile, descriptor id} and sees its frames in order.</remarks>
public interface IDescriptorFrameComputer
{
    /// <summary>Gets how many values <see cref="Compute"/> writes per frame.</summary>
    int ValuesPerFrame { get; }

    /// <summary>Computes the descriptor for the next frame. Implementations must not allocate.</summary>
    /// <param name="frame">The frame: its samples and its spectrum.</param>
    /// <param name="values">Receives exactly <see cref="ValuesPerFrame"/> values.</param>
    /// <exception cref="ArgumentException">A span of <paramref name="frame"/> or <paramref name="values"/> has the wrong length.</exception>
    void Compute(in AnalysisFrame frame, Span<float> values);
}
