using System.Security.Cryptography;

namespace AudioVis.Cache.Reliability.Tests.IoFaults;

/// <summary>
/// Runs one file write with its k-th write or flush failing, for k = 1, 2, … until the write completes, and checks after
/// each failure that the previous valid state is intact: the old file's bytes unchanged, no temporary file left, and the
/// owner's own check (typed error surfaced, store still usable).
/// </summary>
internal sealed class FaultSweep(FaultInjector faults, string file)
{
    private const int MaxCalls = 100_000;

    /// <summary>
    /// Sweeps the write. <paramref name="attempt"/> runs it once and returns whether it failed (asserting the error it
    /// surfaced); <paramref name="afterFailure"/> checks that the owner still works with the previous content.
    /// </summary>
    /// <returns>How many faults were injected, and how many writes and flushes the completed write made.</returns>
    public async Task<(int Faults, int Calls)> RunAsync(bool sticky, Func<Task<bool>> attempt, Func<Task> afterFailure)
    {
        var before = Hash(file);
        var injected = 0;
        for (var k = 1; k < MaxCalls; k++)
        {
            faults.Arm(k, sticky);
            var failed = await attempt();
            var calls = faults.Calls;
            injected += faults.Injected;
            faults.Disarm();
            if (!failed)
            {
                Assert.That(faults.Injected, Is.Zero, $"the write completed although call {k} of {calls} failed");
                Assert.That(Hash(file), Is.Not.EqualTo(before), "the completed write did not change the file");
                Assert.That(TemporaryFiles(), Is.Empty, "temporary files left after the completed write");
                return (injected, calls);
            }

            Assert.Multiple(() =>
            {
                Assert.That(Hash(file), Is.EqualTo(before), $"the file changed when call {k} failed ({(sticky ? "sticky" : "once")})");
                Assert.That(TemporaryFiles(), Is.Empty, $"temporary files left when call {k} failed");
            });
            await afterFailure();
        }

        throw new AssertionException($"the write never completed within {MaxCalls} calls");
    }

    /// <summary>Asserts that a failed write surfaced the injected fault as an <see cref="IOException"/>.</summary>
    public static async Task<bool> SurfacesFaultAsync(Func<Task> write)
    {
        try
        {
            await write();
            return false;
        }
        catch (IOException e)
        {
            Assert.That(e.ToString(), Does.Contain(FaultInjector.Marker), "an I/O error other than the injected one");
            return true;
        }
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private string[] TemporaryFiles() => Directory.GetFiles(Path.GetDirectoryName(file)!, ".*.tmp");
}
