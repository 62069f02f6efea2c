// Checks that every packed library has its symbols package and carries README, licence, icon and repository metadata.
using System.IO.Compression;
using System.Xml.Linq;

var feed = args[0];
var version = args[1];
string[] packages = ["AudioVis.Cache", "AudioVis.Cache.Testing", "AudioVis.Cache.Cli", "AudioVis.Cache.Sqlite", "AudioVis.Cache.Hosting", "AudioVis.Cache.PostgreSql", "AudioVis.Cache.Orleans"];
var problems = new List<string>();
foreach (var id in packages)
{
    var nupkg = Path.Combine(feed, $"{id}.{version}.nupkg");
    if (!File.Exists(nupkg)) { problems.Add($"{nupkg} is missing"); continue; }
    if (!File.Exists(Path.Combine(feed, $"{id}.{version}.snupkg"))) problems.Add($"{id}: no .snupkg");
    using var zip = ZipFile.OpenRead(nupkg);
    var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
    foreach (var required in new[] { "README.md", "icon.png" })
        if (!entries.Contains(required)) problems.Add($"{id}: {required} not packed");
    var nuspecEntry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
    using var stream = nuspecEntry.Open();
    var metadata = XDocument.Load(stream).Root!.Elements().First(e => e.Name.LocalName == "metadata");
    string? Get(string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
    if (Get("license") != "MIT") problems.Add($"{id}: licence is '{Get("license")}', expected MIT");
    if (metadata.Elements().All(e => e.Name.LocalName != "repository")) problems.Add($"{id}: no repository metadata");
    if (Get("readme") != "README.md") problems.Add($"{id}: package readme not set");
}

foreach (var problem in problems) Console.Error.WriteLine(problem);
Console.WriteLine(problems.Count == 0 ? $"packages ok: {string.Join(", ", packages)} {version}" : "package check failed");
return problems.Count == 0 ? 0 : 1;
