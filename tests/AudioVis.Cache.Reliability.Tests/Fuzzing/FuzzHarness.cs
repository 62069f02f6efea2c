using System.Collections.Concurrent;
using System.Diagnostics;
using CsCheck;

namespace AudioVis.Cache.Reliability.Tests.Fuzzing;

/// <summary>
/// Runs one reader over generated inputs (CsCheck: a failing input is shrunk and its seed printed) and holds it to the
/// fuzzing contract of docs/reliability.md: every input is read or rejected with a documented exception type whose
/// message names the input, each case within <see cref="CaseBound"/>, the whole run within <see cref="RunBound"/>.
/// </summary>
internal static class FuzzHarness
{
    /// <summary>The most one case may take.</summary>
    public static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(1);

    /// <summary>The most a whole run may take (generous: the machine is shared).</summary>
    public static TimeSpan RunBound => ReliabilityTier.IsLong ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(3);

    /// <summary>A case still running after this long is a hang: the run fails at once, printing the case (CsCheck cannot shrink a case that never returns).</summary>
    public static readonly TimeSpan HangBound = TimeSpan.FromSeconds(20);

    /// <summary>Fuzzes <paramref name="read"/>.</summary>
    /// <param name="reader">The reader's name, for the report.</param>
    /// <param name="inputs">The inputs.</param>
    /// <param name="read">Reads one input (and checks what it read); throws what the reader throws.</param>
    /// <param name="documented">The exception types the reader documents.</param>
    /// <param name="named">The text a documented exception's message must contain for this input (the path, the id).</param>
    /// <param name="fast">The number of cases in the fast tier.</param>
    /// <param name="print">Prints an input in a failure report.</param>
    public static void Run<T>(string reader, Gen<T> inputs, Action<T> read, Type[] documented, Func<T, string> named, int fast, Func<T, string>? print = null)
    {
        var count = ReliabilityTier.Pick(fast, 100_000);
        var accepted = 0L;
        var rejected = 0L;
        var slowestTicks = 0L;
        var clock = Stopwatch.StartNew();
        var running = new ConcurrentDictionary<long, (T Input, long Start)>();
        var started = 0L;
        var run = Task.Run(() => inputs.Sample(
            input =>
            {
                var start = Stopwatch.GetTimestamp();
                var id = Interlocked.Increment(ref started);
                running[id] = (input, start);
                try
                {
                    read(input);
                    Interlocked.Increment(ref accepted);
                }
                catch (Exception e) when (documented.Any(t => t.IsInstanceOfType(e)))
                {
                    var name = named(input);
                    if (!e.Message.Contains(name, StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"{e.GetType().Name} does not name the input '{name}': {e.Message}", e);
                    }

                    Interlocked.Increment(ref rejected);
                }
                finally
                {
                    running.TryRemove(id, out _);
                }

                var elapsed = Stopwatch.GetElapsedTime(start);
                InterlockedMax(ref slowestTicks, elapsed.Ticks);
                if (elapsed > CaseBound)
                {
                    throw new TimeoutException($"One case took {elapsed.TotalMilliseconds:F0} ms (bound {CaseBound.TotalMilliseconds} ms).");
                }
            },
            iter: count,
            print: print));

        while (!run.Wait(TimeSpan.FromSeconds(1)))
        {
            var hung = running.Values.Where(r => Stopwatch.GetElapsedTime(r.Start) > HangBound).Select(r => r.Input).ToArray();
            Assert.That(hung, Is.Empty, $"{reader}: a case has run for over {HangBound} (a hang): {string.Join("; ", hung.Select(h => print?.Invoke(h) ?? h?.ToString()))}");
            Assert.That(clock.Elapsed, Is.LessThan(RunBound), $"{reader}: the run did not finish within {RunBound}");
        }

        run.GetAwaiter().GetResult();
        var seconds = clock.Elapsed.TotalSeconds;
        ReliabilityTier.Report($"{reader}: {count} cases in {seconds:F1} s ({count / seconds:F0} cases/s); {accepted} read, {rejected} rejected with {string.Join(" or ", documented.Select(t => t.Name))}; slowest case {TimeSpan.FromTicks(slowestTicks).TotalMilliseconds:F1} ms");
        Assert.That(accepted + rejected, Is.GreaterThanOrEqualTo(count), "every case ran");
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}
