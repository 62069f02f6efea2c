namespace AudioVis.Cache.Storage.Features;

/// <summary>An <see cref="IFeatureBlobReader"/> over a blob held in memory (already verified whole).</summary>
internal sealed class FeatureBlobMemoryReader(FeatureBlob blob) : IFeatureBlobReader
{
    public FeatureBlobHeader Header => blob.Header;

    /// <summary>Gets the blob, for samplers that can use its array directly.</summary>
    public FeatureBlob Blob => blob;

    public void ReadFrames(int firstFrame, Span<float> destination)
    {
        FeatureStoreDefaults.CheckFrames(blob.Header, firstFrame, destination.Length);
        blob.ValueSpan.Slice(firstFrame * blob.Header.ValuesPerFrame, destination.Length).CopyTo(destination);
    }

    public float ReadValue(int frame, int valueIndex)
    {
        FeatureStoreDefaults.CheckValue(blob.Header, frame, valueIndex);
        return blob.ValueSpan[(frame * blob.Header.ValuesPerFrame) + valueIndex];
    }

    public void Dispose()
    {
    }
}
