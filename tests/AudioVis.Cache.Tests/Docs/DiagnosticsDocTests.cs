using System.Reflection;
using AudioVis.Cache.DependencyInjection;
using AudioVis.Cache.Hosting;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Tests.Docs;

/// <summary>docs/diagnostics.md lists every log event the packages declare, with its id, level and message.</summary>
public sealed class DiagnosticsDocTests
{
    [Test]
    public void EveryLoggerMessage_IsListedWithItsIdLevelAndMessage()
    {
        var doc = File.ReadAllText(RepositoryFiles.Path("docs/diagnostics.md"));
        var declared = new[] { typeof(AudioVisCacheOptions).Assembly, typeof(AudioVisCacheHostOptions).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(declared, Has.Count.GreaterThan(30), "the reflection finds the declarations");
            Assert.That(declared.Select(a => a.EventId), Is.Unique, "event ids are unique across the packages");
            foreach (var message in declared)
            {
                var row = $"| {message.EventId} | {message.Level} | {message.Message.Replace("|", "\\|", StringComparison.Ordinal)} |";
                Assert.That(doc, Does.Contain(row), $"docs/diagnostics.md lacks event {message.EventId}");
            }
        });
    }
}
