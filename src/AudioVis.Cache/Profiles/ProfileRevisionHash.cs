using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace AudioVis.Cache.Profiles;

/// <summary>
/// The SHA-256 of a profile's canonical parameter encoding (<see cref="AnalysisParameters.ToCanonicalText"/>),
/// written as 64 lower-case hexadecimal digits. Equal on every process, machine and .NET version for equal parameters.
/// </summary>
public sealed record ProfileRevisionHash
{
    // Parameters are immutable (init-only; `with` makes a new instance), so a hash computed for an instance stays right.
    // Stores that parse the same canonical text once and hand out one instance then hash it once, not per record.
    private static readonly ConditionalWeakTable<AnalysisParameters, ProfileRevisionHash> Computed = [];

    private readonly int _hashCode;

    private ProfileRevisionHash(string value)
    {
        Value = value;
        _hashCode = StringComparer.Ordinal.GetHashCode(value);
    }

    /// <summary>Gets the 64 lower-case hexadecimal digits of the hash.</summary>
    public string Value { get; }

    /// <summary>Gets the first 12 digits, for display.</summary>
    public string Short => Value[..12];

    /// <summary>Computes the revision hash of a set of parameters.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <returns>The hash.</returns>
    public static ProfileRevisionHash Compute(AnalysisParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Computed.GetValue(parameters, static p => new ProfileRevisionHash(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(p.ToCanonicalText())))));
    }

    /// <summary>Parses a stored hash.</summary>
    /// <param name="value">64 hexadecimal digits (upper-case digits are accepted and lowered).</param>
    /// <returns>The hash.</returns>
    /// <exception cref="FormatException"><paramref name="value"/> is not 64 hexadecimal digits.</exception>
    public static ProfileRevisionHash Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != 64 || !value.AsSpan().ContainsOnlyHexDigits())
        {
            throw new FormatException($"Profile revision hash '{value}' must be 64 hexadecimal digits (a SHA-256).");
        }

        return new ProfileRevisionHash(value.ToLowerInvariant());
    }

    /// <inheritdoc/>
    public bool Equals(ProfileRevisionHash? other) =>
        other is not null && (ReferenceEquals(this, other) || (_hashCode == other._hashCode && string.Equals(Value, other.Value, StringComparison.Ordinal)));

    /// <inheritdoc/>
    public override int GetHashCode() => _hashCode;

    /// <summary>Returns the 64 hexadecimal digits.</summary>
    /// <returns>The hash as text.</returns>
    public override string ToString() => Value;
}

file static class HexSpanExtensions
{
    public static bool ContainsOnlyHexDigits(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
