using System.Globalization;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// The profile asks for a <c>TargetSampleRate</c> that differs from the audio's own rate. The analyzer does not
/// resample (see docs/analyzer.md): use a profile without a target rate, or resample before handing the audio over.
/// </summary>
public sealed class SampleRateNotSupportedException : NotSupportedException
{
    /// <summary>Initializes a new instance of the <see cref="SampleRateNotSupportedException"/> class.</summary>
    /// <param name="sourceName">The file path or host label of the audio.</param>
    /// <param name="sourceSampleRate">The audio's sample rate in Hz.</param>
    /// <param name="targetSampleRate">The profile's target sample rate in Hz.</param>
    public SampleRateNotSupportedException(string sourceName, int sourceSampleRate, int targetSampleRate)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"Audio '{sourceName}' is at {sourceSampleRate} Hz but the profile's TargetSampleRate is {targetSampleRate} Hz; the analyzer does not resample. Use a profile without TargetSampleRate or resample the audio first."))
    {
        SourceName = sourceName;
        SourceSampleRate = sourceSampleRate;
        TargetSampleRate = targetSampleRate;
    }

    /// <summary>Gets the file path or host label of the audio.</summary>
    public string SourceName { get; }

    /// <summary>Gets the audio's sample rate in Hz.</summary>
    public int SourceSampleRate { get; }

    /// <summary>Gets the profile's target sample rate in Hz.</summary>
    public int TargetSampleRate { get; }
}
