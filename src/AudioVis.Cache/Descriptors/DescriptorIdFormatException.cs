namespace AudioVis.Cache.Descriptors;

/// <summary>A descriptor id does not follow the grammar in docs/descriptors.md.</summary>
public sealed class DescriptorIdFormatException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="DescriptorIdFormatException"/> class.</summary>
    /// <param name="input">The text that failed to parse.</param>
    /// <param name="position">The 0-based index of the first character that breaks the grammar.</param>
    /// <param name="expected">What the grammar expected at <paramref name="position"/>.</param>
    public DescriptorIdFormatException(string input, int position, string expected)
        : base(BuildMessage(input, position, expected))
    {
        Input = input;
        Position = position;
        Expected = expected;
    }

    /// <summary>Gets the text that failed to parse.</summary>
    public string Input { get; }

    /// <summary>Gets the 0-based index of the first character that breaks the grammar.</summary>
    public int Position { get; }

    /// <summary>Gets a description of what the grammar expected at <see cref="Position"/>.</summary>
    public string Expected { get; }

    private static string BuildMessage(string input, int position, string expected)
    {
        var found = position < input.Length ? $"found '{input[position]}'" : "found the end of the text";
        return $"Descriptor id '{input}' is malformed at position {position}: expected {expected}, {found}.";
    }
}
