using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using Npgsql;

namespace AudioVis.Cache.PostgreSql.Tests;

internal static class TestSupport
{
    /// <summary>Generous: notifications arrive in milliseconds; this only bounds a failing test.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static readonly DateTimeOffset At = new(2026, 12, 2, 8, 0, 0, TimeSpan.FromHours(1));

    public static CacheMetadataRecord Record(CacheKey key, string descriptor, string source = "source-1") =>
        new(key, DescriptorId.Parse(descriptor), ProfileRevisionHash.Compute(AnalysisParameters.Default), AnalysisParameters.Default, source, "calc", 1, At);

    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A diff scheduler that records invalidations and lets a test await them.</summary>
internal sealed class RecordingScheduler : IDiffScheduler
{
    private readonly ConcurrentQueue<CacheKey> _keys = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private int _resyncs;

    public int Resyncs => Volatile.Read(ref _resyncs);

    public IReadOnlyCollection<CacheKey> Keys => _keys;

    public IDisposable Subscribe(Action<CacheDiff> handler) => new MemoryStream();

    public void Invalidate(CacheKey key)
    {
        _keys.Enqueue(key);
        Check();
    }

    public void InvalidateAll()
    {
        Interlocked.Increment(ref _resyncs);
        Check();
    }

    public Task WhenAsync(Func<RecordingScheduler, bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(this))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((() => condition(this), done));
        }

        return done.Task.WaitAsync(TestSupport.Timeout);
    }

    public Task KeyArrivesAsync(CacheKey key) => WhenAsync(s => s.Keys.Contains(key));

    public ValueTask<IReadOnlyList<CacheDiff>> RunFrameAsync(CancellationToken cancellationToken = default) => new([]);

    public bool TryGetLatest(CacheKey key, [MaybeNullWhen(false)] out CacheDiff diff)
    {
        diff = null;
        return false;
    }

    public IReadOnlyList<CacheDiff> GetLatestDiffs() => [];

    private void Check()
    {
        lock (_gate)
        {
            foreach (var waiter in _waiters.Where(w => w.Condition()).ToArray())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }
}
