using System.Runtime.InteropServices;

namespace AudioVis.Cache.Benchmarks.Fft;

/// <summary>The few libfftw3f (FFTW 3, single precision) entry points the benchmarks call, loaded on demand.</summary>
internal static unsafe class FftwNative
{
    /// <summary>FFTW_MEASURE: time candidate algorithms while planning.</summary>
    public const uint Measure = 0;

    private static readonly nint Library = NativeLibrary.TryLoad("libfftw3f.so.3", out var handle) ? handle : 0;

    /// <summary>Gets a value indicating whether libfftw3f is installed.</summary>
    public static bool IsAvailable => Library != 0;

    public static nint PlanR2C(int n, float* input, float* output, uint flags) =>
        ((delegate* unmanaged<int, float*, float*, uint, nint>)Export("fftwf_plan_dft_r2c_1d"))(n, input, output, flags);

    public static void Execute(nint plan) => ((delegate* unmanaged<nint, void>)Export("fftwf_execute"))(plan);

    public static void DestroyPlan(nint plan) => ((delegate* unmanaged<nint, void>)Export("fftwf_destroy_plan"))(plan);

    public static float* Malloc(int floats) => (float*)((delegate* unmanaged<nuint, void*>)Export("fftwf_malloc"))((nuint)(floats * sizeof(float)));

    public static void Free(void* pointer) => ((delegate* unmanaged<void*, void>)Export("fftwf_free"))(pointer);

    private static nint Export(string name) => NativeLibrary.GetExport(Library, name);
}
