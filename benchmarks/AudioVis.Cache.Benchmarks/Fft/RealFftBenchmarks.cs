using System.Numerics;
using AudioVis.Cache.Analysis.Fft;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.IntegralTransforms;

namespace AudioVis.Cache.Benchmarks.Fft;

/// <summary>One real forward FFT of random input to magnitudes |X_k|, k = 0..N/2, for each library.</summary>
[MemoryDiagnoser]
public class RealFftBenchmarks
{
    private float[] _input = [];
    private float[] _magnitudes = [];
    private RealFftPlan? _ours;
    private NWaves.Transforms.RealFft? _nwaves;
    private float[] _mathNetWork = [];
    private Complex[] _fftSharpWork = [];
    private FftwRealPlan? _fftw;

    [Params(512, 1024, 2048, 4096)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _input = new float[Size];
        for (var n = 0; n < Size; n++)
        {
            _input[n] = (float)((random.NextDouble() * 2.0) - 1.0);
        }

        _magnitudes = new float[(Size / 2) + 1];
        _ours = new RealFftPlan(Size);
        Console.WriteLine($"// RealFftPlan path: {_ours.Path}");
        _nwaves = new NWaves.Transforms.RealFft(Size);
        _mathNetWork = new float[Size + 2];
        _fftSharpWork = new Complex[Size];
        if (FftwNative.IsAvailable)
        {
            _fftw = new FftwRealPlan(Size);
            _input.CopyTo(_fftw.Input);
        }
        else
        {
            Console.WriteLine("// FFTW not installed (libfftw3f.so.3): the FFTW benchmark measures nothing.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _fftw?.Dispose();

    [Benchmark]
    public void Ours() => _ours!.ForwardMagnitudes(_input, _magnitudes);

    [Benchmark(Baseline = true)]
    public void NWaves() => _nwaves!.MagnitudeSpectrum(_input, _magnitudes);

    [Benchmark]
    public void MathNet()
    {
        _input.CopyTo(_mathNetWork, 0);
        Fourier.ForwardReal(_mathNetWork, Size, FourierOptions.Matlab);
        Magnitudes.FromInterleaved(_mathNetWork, _magnitudes);
    }

    [Benchmark]
    public void FftSharp()
    {
        var work = _fftSharpWork;
        for (var n = 0; n < work.Length; n++)
        {
            work[n] = new Complex(_input[n], 0);
        }

        global::FftSharp.FFT.Forward(work.AsSpan());
        for (var k = 0; k < _magnitudes.Length; k++)
        {
            _magnitudes[k] = (float)work[k].Magnitude;
        }
    }

    [Benchmark]
    public void Fftw()
    {
        if (_fftw is null)
        {
            return;
        }

        // FFTW works in place on its own aligned input buffer, filled once in setup (the plan does not modify it).
        _fftw.ExecuteMagnitudes(_magnitudes);
    }
}
