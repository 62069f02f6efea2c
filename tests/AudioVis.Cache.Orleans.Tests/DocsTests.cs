using System.Reflection;
using AudioVis.Cache.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AudioVis.Cache.Orleans.Tests;

/// <summary>docs/diagnostics.md lists every log event of the Orleans package with its id, level and message, and no id is the core's.</summary>
public sealed class DocsTests
{
    [Test]
    public void EveryLoggerMessage_IsListedInTheDiagnosticsDoc_WithAnIdTheCoreDoesNotUse()
    {
        var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "AudioVis.Cache.sln")))
        {
            folder = folder.Parent;
        }

        var doc = File.ReadAllText(Path.Combine(folder!.FullName, "docs", "diagnostics.md"));
        var declared = LoggerMessagesOf(typeof(AudioVisCacheOrleansExtensions).Assembly);
        var coreIds = LoggerMessagesOf(typeof(AudioVisCacheOptions).Assembly).Select(m => m.EventId).ToHashSet();

        Assert.That(declared, Has.Count.GreaterThanOrEqualTo(6));
        using (Assert.EnterMultipleScope())
        {
            foreach (var message in declared)
            {
                Assert.That(coreIds, Does.Not.Contain(message.EventId), $"event {message.EventId} is also a core event");
                var row = $"| {message.EventId} | {message.Level} | {message.Message.Replace("|", "\\|", StringComparison.Ordinal)} |";
                Assert.That(doc, Does.Contain(row), $"docs/diagnostics.md lacks event {message.EventId}");
            }
        }
    }

    private static List<LoggerMessageAttribute> LoggerMessagesOf(Assembly assembly) =>
        [.. assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()];
}
