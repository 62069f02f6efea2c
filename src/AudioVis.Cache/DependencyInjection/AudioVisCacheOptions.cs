using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.DependencyInjection;

/// <summary>Options of <c>services.AddAudioVisCache(...)</c>.</summary>
public sealed class AudioVisCacheOptions
{
    /// <summary>Gets the analysis profiles registered at start-up, in addition to <see cref="AnalysisProfile.Default"/> when <see cref="IncludeDefaultProfile"/> is set.</summary>
    /// <value>The default value is an empty list.</value>
    public IList<AnalysisProfile> Profiles { get; } = [];

    /// <summary>Gets or sets a value indicating whether the built-in <c>default</c> profile is registered.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeDefaultProfile { get; set; } = true;
}
