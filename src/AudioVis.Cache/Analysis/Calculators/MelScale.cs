namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>The HTK mel scale, <c>mel = 2595·log10(1 + f/700)</c>.</summary>
internal static class MelScale
{
    public static double FromHz(double hz) => 2595.0 * Math.Log10(1.0 + (hz / 700.0));

    public static double ToHz(double mel) => 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0);
}
