using AudioVis.Cache.Internal;

namespace AudioVis.Cache.Tests.Internal;

public sealed class StreamingStoreTests
{
    // Lengths around the vector path's minimum (64) and block size (16), at every destination offset within a
    // 64-byte line, so the head, the streamed middle and the tail are all exercised.
    [Test]
    public void Copy_EveryLengthAndAlignment_CopiesExactlyAndLeavesTheRestAlone()
    {
        var random = new Random(7);
        int[] lengths = [0, 1, 15, 16, 63, 64, 65, 100, 1025, 4096];
        Assert.Multiple(() =>
        {
            foreach (var length in lengths)
            {
                for (var offset = 0; offset < 16; offset++)
                {
                    var source = new float[length];
                    for (var i = 0; i < length; i++)
                    {
                        source[i] = (random.NextSingle() * 2) - 1;
                    }

                    var destination = new float[length + 32];
                    destination.AsSpan().Fill(float.NaN);

                    StreamingStore.Copy(source, destination.AsSpan(offset, length + 8));

                    Assert.That(destination.AsSpan(offset, length).ToArray(), Is.EqualTo(source).AsCollection, $"length {length}, offset {offset}");
                    Assert.That(destination.AsSpan(0, offset).ToArray(), Has.All.NaN, $"before, length {length}, offset {offset}");
                    Assert.That(destination.AsSpan(offset + length).ToArray(), Has.All.NaN, $"after, length {length}, offset {offset}");
                }
            }
        });
    }

    [Test]
    public void Copy_SpecialValues_AreCopiedBitForBit()
    {
        var source = new float[200];
        for (var i = 0; i < source.Length; i++)
        {
            source[i] = (i % 5) switch
            {
                0 => -0f,
                1 => float.Epsilon,
                2 => float.NaN,
                3 => float.PositiveInfinity,
                _ => -i,
            };
        }

        var destination = new float[200];
        StreamingStore.Copy(source, destination);

        Assert.That(destination.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(source.Select(BitConverter.SingleToInt32Bits)).AsCollection);
    }
}
