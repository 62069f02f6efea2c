namespace AudioVis.Cache.Profiles;

/// <summary>Analysis parameters break one or more rules; <see cref="Errors"/> names each offending value.</summary>
public sealed class InvalidAnalysisParametersException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidAnalysisParametersException"/> class.</summary>
    /// <param name="errors">One message per broken rule, each naming the offending value.</param>
    public InvalidAnalysisParametersException(IReadOnlyList<string> errors)
        : base("Invalid analysis parameters: " + string.Join(" ", errors ?? throw new ArgumentNullException(nameof(errors))))
    {
        Errors = errors;
    }

    /// <summary>Gets one message per broken rule.</summary>
    public IReadOnlyList<string> Errors { get; }
}
