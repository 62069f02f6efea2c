namespace AudioVis.Cache.Tests.Analysis.Fft;

/// <summary>Seeded and known test signals for the FFT tests.</summary>
internal static class Signals
{
    public static float[] Random(int size, int seed)
    {
        var random = new Random(seed);
        var signal = new float[size];
        for (var n = 0; n < size; n++)
        {
            signal[n] = (float)((random.NextDouble() * 2.0) - 1.0);
        }

        return signal;
    }

    public static float[] Impulse(int size, int at)
    {
        var signal = new float[size];
        signal[at] = 1f;
        return signal;
    }

    public static float[] Dc(int size)
    {
        var signal = new float[size];
        Array.Fill(signal, 0.75f);
        return signal;
    }

    public static float[] Cosine(int size, int bin)
    {
        var signal = new float[size];
        for (var n = 0; n < size; n++)
        {
            signal[n] = (float)Math.Cos(2.0 * Math.PI * bin * n / size);
        }

        return signal;
    }

    public static float[] Nyquist(int size)
    {
        var signal = new float[size];
        for (var n = 0; n < size; n++)
        {
            signal[n] = (n & 1) == 0 ? 1f : -1f;
        }

        return signal;
    }
}
