using AudioVis.Cache.Storage.Features;

namespace AudioVis.Cache.Reliability.ChildProcess;

/// <summary>
/// The commands of several processes sharing one feature-blob folder (tests/AudioVis.Cache.Reliability.Tests/SharedFolder):
/// <c>shared-writer &lt;folder&gt; &lt;seed&gt; &lt;count&gt;</c> and <c>shared-hold &lt;folder&gt; &lt;seed&gt;</c>.
/// </summary>
internal static class SharedFolderCommands
{
    /// <summary>
    /// Writes <paramref name="count"/> blobs of the shared keys (a key chosen by the seed for each write) and after each
    /// write reads a key back, through both read paths, checking that it is one writer's whole blob. Prints
    /// <c>WROTE &lt;n&gt;</c> after each write and <c>DONE &lt;writes&gt; &lt;reads&gt;</c> at the end.
    /// </summary>
    public static async Task<int> WriteAsync(string folder, int seed, int count)
    {
        var store = new FileSystemFeatureStore(folder);
        var random = new Random(seed);
        var reads = 0;
        for (var write = 0; write < count; write++)
        {
            var key = SharedFolderBlobs.Key(random.Next(SharedFolderBlobs.KeyCount));
            await store.WriteAsync(SharedFolderBlobs.Create(key, seed, write)).ConfigureAwait(false);
            Console.WriteLine($"WROTE {write + 1}");

            var other = SharedFolderBlobs.Key(random.Next(SharedFolderBlobs.KeyCount));
            if (await store.ReadAsync(other, SharedFolderBlobs.Descriptor).ConfigureAwait(false) is { } blob)
            {
                reads++;
                if (SharedFolderBlobs.Check(blob, other) is { } problem)
                {
                    Console.WriteLine($"FAIL read of {other}: {problem}");
                    return 1;
                }
            }

            using var reader = await store.OpenReaderAsync(other, SharedFolderBlobs.Descriptor).ConfigureAwait(false);
            if (reader is not null)
            {
                reads++;
                var values = new float[reader.Header.ValueCount];
                reader.ReadFrames(0, values);
                if (SharedFolderBlobs.Check(new FeatureBlob(reader.Header, values), other) is { } problem)
                {
                    Console.WriteLine($"FAIL mapped read of {other}: {problem}");
                    return 1;
                }
            }
        }

        Console.WriteLine($"DONE {count} {reads}");
        return 0;
    }

    /// <summary>Begins a write, appends half of a blob (its temporary file exists), prints <c>HOLDING</c> and waits to be killed.</summary>
    public static async Task<int> HoldAsync(string folder, int seed)
    {
        var store = new FileSystemFeatureStore(folder);
        var key = SharedFolderBlobs.Key(seed % SharedFolderBlobs.KeyCount);
        var blob = SharedFolderBlobs.Create(key, seed, 0);
        var writer = await store.BeginWriteAsync(key, SharedFolderBlobs.Descriptor, SharedFolderBlobs.ValuesPerFrame).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            writer.Append(blob.Values.Span[..(blob.Values.Length / 2)]);
            Console.WriteLine("HOLDING");
            await Task.Delay(Timeout.Infinite).ConfigureAwait(false);
        }

        return 0;
    }
}
