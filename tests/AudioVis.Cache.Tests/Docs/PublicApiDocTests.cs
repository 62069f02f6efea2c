using System.Text.RegularExpressions;

namespace AudioVis.Cache.Tests.Docs;

/// <summary>docs/public-api.md has one row for every public type the packages declare, and none for a type they do not.</summary>
public sealed partial class PublicApiDocTests
{
    private static readonly string[] Packages = ["AudioVis.Cache", "AudioVis.Cache.Sqlite", "AudioVis.Cache.PostgreSql", "AudioVis.Cache.Hosting", "AudioVis.Cache.Testing", "AudioVis.Cache.Cli"];

    [Test]
    public void EveryDeclaredPublicType_HasOneRow_AndEveryRowIsADeclaredType()
    {
        var declared = Packages
            .SelectMany(p => File.ReadAllLines(RepositoryFiles.Path($"src/{p}/PublicAPI.Unshipped.txt")))
            .Select(l => TypeDeclaration().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups["name"].Value[(m.Groups["name"].Value.LastIndexOf('.') + 1)..])
            .Order(StringComparer.Ordinal)
            .ToList();
        var rows = File.ReadAllLines(RepositoryFiles.Path("docs/public-api.md"))
            .Select(l => TypeRow().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups["name"].Value)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(declared, Has.Count.GreaterThan(100), "the declarations are found");
            Assert.That(rows.Except(declared), Is.Empty, "rows for types that are not public");
            Assert.That(declared.Except(rows), Is.Empty, "public types without a row");
            Assert.That(rows, Is.Unique);
        });
    }

    // A line that declares a type: optional modifiers, then a dotted name and nothing else.
    [GeneratedRegex(@"^(?:(?:abstract|static|sealed|override|virtual|readonly) )*(?<name>[A-Za-z_][\w.]*\.[A-Z]\w*)$")]
    private static partial Regex TypeDeclaration();

    // A table row whose first cell is a type name in backticks, followed by its kind.
    [GeneratedRegex(@"^\| `(?<name>[A-Z]\w*)` \| [a-z]")]
    private static partial Regex TypeRow();
}
