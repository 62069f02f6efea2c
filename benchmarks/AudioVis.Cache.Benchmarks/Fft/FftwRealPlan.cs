namespace AudioVis.Cache.Benchmarks.Fft;

/// <summary>A planned FFTW real-to-complex transform with aligned buffers, returning magnitudes.</summary>
internal sealed unsafe class FftwRealPlan : IDisposable
{
    private readonly nint _plan;
    private readonly float* _input;
    private readonly float* _output;
    private readonly int _size;

    public FftwRealPlan(int size)
    {
        _size = size;
        _input = FftwNative.Malloc(size);
        _output = FftwNative.Malloc(size + 2);
        _plan = FftwNative.PlanR2C(size, _input, _output, FftwNative.Measure);
    }

    public Span<float> Input => new(_input, _size);

    /// <summary>Runs the planned transform on <see cref="Input"/> and writes |X_k|, k = 0..N/2.</summary>
    public void ExecuteMagnitudes(Span<float> magnitudes)
    {
        FftwNative.Execute(_plan);
        Magnitudes.FromInterleaved(new ReadOnlySpan<float>(_output, _size + 2), magnitudes);
    }

    public void Dispose()
    {
        FftwNative.DestroyPlan(_plan);
        FftwNative.Free(_input);
        FftwNative.Free(_output);
    }
}
