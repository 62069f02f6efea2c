using System.Numerics.Tensors;
using AudioVis.Cache.Analysis.Fft;
using BenchmarkDotNet.Attributes;

namespace AudioVis.Cache.Benchmarks.Fft;

/// <summary>
/// Magnitude STFT of 60 s of mono 44.1 kHz audio (seeded noise plus sines): 2048-sample Hann window, hop 512,
/// into a preallocated frames buffer. Every library gets the same windowing code; only the FFT differs.
/// </summary>
[MemoryDiagnoser]
public class StftBenchmarks
{
    private const int SampleRate = 44_100;
    private const int Seconds = 60;
    private const int WindowSize = 2048;
    private const int Hop = 512;

    private float[] _signal = [];
    private float[] _window = [];
    private float[] _frame = [];
    private float[][] _frames = [];
    private RealFftPlan? _ours;
    private NWaves.Transforms.RealFft? _nwaves;
    private FftwRealPlan? _fftw;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2026);
        _signal = new float[SampleRate * Seconds];
        for (var n = 0; n < _signal.Length; n++)
        {
            var t = (double)n / SampleRate;
            _signal[n] = (float)((0.1 * ((random.NextDouble() * 2.0) - 1.0))
                + (0.5 * Math.Sin(2.0 * Math.PI * 440.0 * t))
                + (0.25 * Math.Sin(2.0 * Math.PI * 1234.5 * t))
                + (0.1 * Math.Sin(2.0 * Math.PI * 9876.0 * t)));
        }

        _window = new float[WindowSize];
        for (var n = 0; n < WindowSize; n++)
        {
            _window[n] = (float)(0.5 - (0.5 * Math.Cos(2.0 * Math.PI * n / WindowSize)));
        }

        _frame = new float[WindowSize];
        var frameCount = 1 + ((_signal.Length - WindowSize) / Hop);
        _frames = new float[frameCount][];
        for (var f = 0; f < frameCount; f++)
        {
            _frames[f] = new float[(WindowSize / 2) + 1];
        }

        _ours = new RealFftPlan(WindowSize);
        Console.WriteLine($"// RealFftPlan path: {_ours.Path}, frames: {frameCount}");
        _nwaves = new NWaves.Transforms.RealFft(WindowSize);
        if (FftwNative.IsAvailable)
        {
            _fftw = new FftwRealPlan(WindowSize);
        }
        else
        {
            Console.WriteLine("// FFTW not installed (libfftw3f.so.3): the FFTW benchmark measures nothing.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _fftw?.Dispose();

    [Benchmark]
    public void Ours()
    {
        for (var f = 0; f < _frames.Length; f++)
        {
            TensorPrimitives.Multiply(_signal.AsSpan(f * Hop, WindowSize), _window, _frame);
            _ours!.ForwardMagnitudes(_frame, _frames[f]);
        }
    }

    [Benchmark(Baseline = true)]
    public void NWaves()
    {
        for (var f = 0; f < _frames.Length; f++)
        {
            TensorPrimitives.Multiply(_signal.AsSpan(f * Hop, WindowSize), _window, _frame);
            _nwaves!.MagnitudeSpectrum(_frame, _frames[f]);
        }
    }

    [Benchmark]
    public void Fftw()
    {
        if (_fftw is null)
        {
            return;
        }

        for (var f = 0; f < _frames.Length; f++)
        {
            TensorPrimitives.Multiply(_signal.AsSpan(f * Hop, WindowSize), _window, _fftw.Input);
            _fftw.ExecuteMagnitudes(_frames[f]);
        }
    }
}
