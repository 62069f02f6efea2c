using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.History;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Regeneration;
using AudioVis.Cache.Storage;
using Microsoft.Data.Sqlite;

namespace AudioVis.Cache.Sqlite.Tests;

/// <summary>A temporary folder, deleted (with every pooled SQLite connection closed) on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "audiovis-sqlite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a child process may still be closing.
        }
    }
}

internal static class SqliteTestSupport
{
    public static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static SqliteCacheOptions Options(Action<SqliteCacheOptions>? configure = null)
    {
        var options = new SqliteCacheOptions();
        configure?.Invoke(options);
        return options;
    }

    public static SqliteCacheDatabase Open(string path, TimeProvider? time = null, Action<SqliteCacheOptions>? configure = null) =>
        SqliteCacheDatabase.Open(path, Options(configure), time ?? TimeProvider.System);

    public static CacheMetadataRecord Record(CacheKey key, string descriptor, string source = "source-1", int version = 1, AnalysisParameters? parameters = null, DateTimeOffset? analyzedAt = null, bool parametersKnown = true)
    {
        var p = parameters ?? AnalysisParameters.Default;
        return new CacheMetadataRecord(key, DescriptorId.Parse(descriptor), ProfileRevisionHash.Compute(p), parametersKnown ? p : null, source, "calc", version, analyzedAt ?? At);
    }

    public static HistoryEntry Entry(DateTimeOffset at, string track = "t.wav", HistoryAction action = HistoryAction.AutoRegenerate, HistoryStatus status = HistoryStatus.Success, string[]? elements = null, Guid? id = null, string profile = "default") =>
        new(
            id ?? Guid.CreateVersion7(at),
            at,
            new CacheKey(track, profile),
            action,
            [DescriptorId.Parse("rms@mid"), DescriptorId.Parse("onset.strength")],
            status,
            42,
            elements ?? ["bars"],
            RegenerationReason.Missing | RegenerationReason.Stale,
            status == HistoryStatus.Failure ? null : "rms@mid: profile parameters changed",
            7,
            1,
            status == HistoryStatus.Failure ? "IOException" : null,
            status == HistoryStatus.Failure ? "disk full" : null);

    public static string Hash(string path) => Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(path)));

    public static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Starts the child-process helper with the arguments; the caller waits.</summary>
    public static Process StartChild(params string[] args)
    {
        var path = typeof(SqliteTestSupport).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ChildProcessPath").Value!;
        Assert.That(System.IO.File.Exists(path), Is.True, $"the child-process helper is not built at {path}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(path);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    public static async Task<(int ExitCode, string Output)> WaitAsync(Process process, TimeSpan timeout)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the child process did not finish within {timeout}.");
        }

        return (process.ExitCode, await output.ConfigureAwait(false) + await error.ConfigureAwait(false));
    }
}
