using System.Globalization;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Analysis;

/// <summary>What a calculator knows about the track being analysed: its analysis sample rate and the profile's parameters.</summary>
public sealed class AnalysisContext
{
    /// <summary>Initializes a new instance of the <see cref="AnalysisContext"/> class.</summary>
    /// <param name="sampleRate">The sample rate of the analysed audio, in Hz (after resampling to the profile's target, if any).</param>
    /// <param name="parameters">The profile's analysis parameters.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is not from 1 to <see cref="AnalysisParameters.MaxSampleRate"/> Hz.</exception>
    /// <exception cref="ArgumentException"><paramref name="sampleRate"/> differs from the parameters' <see cref="AnalysisParameters.TargetSampleRate"/>.</exception>
    /// <exception cref="InvalidAnalysisParametersException"><paramref name="parameters"/> break a rule; the message names each offending value.</exception>
    public AnalysisContext(int sampleRate, AnalysisParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (sampleRate < 1 || sampleRate > AnalysisParameters.MaxSampleRate)
        {
            throw new ArgumentOutOfRangeException(
                nameof(sampleRate),
                sampleRate,
                string.Create(CultureInfo.InvariantCulture, $"Sample rate {sampleRate} Hz must be from 1 to {AnalysisParameters.MaxSampleRate} Hz."));
        }

        parameters.Validate();
        if (parameters.TargetSampleRate is { } target && target != sampleRate)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Sample rate {sampleRate} Hz differs from the profile's TargetSampleRate {target} Hz: analyse the resampled audio."),
                nameof(sampleRate));
        }

        SampleRate = sampleRate;
        Parameters = parameters;
        BinCount = (parameters.FftSize / 2) + 1;
        BinWidthHz = (double)sampleRate / parameters.FftSize;
        NyquistHz = sampleRate / 2.0;
    }

    /// <summary>Gets the sample rate of the analysed audio, in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Gets the profile's analysis parameters.</summary>
    public AnalysisParameters Parameters { get; }

    /// <summary>Gets the number of spectrum bins, <c>FftSize/2 + 1</c> (DC to Nyquist, both included).</summary>
    public int BinCount { get; }

    /// <summary>Gets the spacing of the spectrum bins, <c>SampleRate / FftSize</c>, in Hz; bin <c>i</c> is at <c>i·BinWidthHz</c>.</summary>
    public double BinWidthHz { get; }

    /// <summary>Gets the Nyquist frequency, <c>SampleRate / 2</c>, in Hz.</summary>
    public double NyquistHz { get; }
}
