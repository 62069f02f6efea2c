using System.Reflection;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.PostgreSql.Tests;

/// <summary>docs/diagnostics.md lists every log event of the PostgreSQL package with its id, level and message.</summary>
public sealed class DocsTests
{
    [Test]
    public void EveryLoggerMessage_IsListedInTheDiagnosticsDoc()
    {
        var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "AudioVis.Cache.sln")))
        {
            folder = folder.Parent;
        }

        var doc = File.ReadAllText(Path.Combine(folder!.FullName, "docs", "diagnostics.md"));
        var declared = typeof(PostgreSqlLog).GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .ToList();

        Assert.That(declared, Has.Count.EqualTo(8));
        using (Assert.EnterMultipleScope())
        {
            foreach (var message in declared)
            {
                Assert.That(message.EventId, Is.InRange(6000, 6999));
                Assert.That(doc, Does.Contain($"| {message.EventId} | {message.Level} | {message.Message} |"), $"docs/diagnostics.md lacks event {message.EventId}");
            }
        }
    }
}
