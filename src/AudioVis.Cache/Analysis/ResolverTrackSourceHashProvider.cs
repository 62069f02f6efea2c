using System.Collections.Concurrent;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Storage;

namespace AudioVis.Cache.Analysis;

/// <summary>
/// An <see cref="ITrackSourceHashProvider"/> over the <see cref="ITrackAudioResolver"/>: decodes the track once to
/// compute its <see cref="AudioContentHasher"/> hash and caches it under the resolver's change token (file length and
/// last write time for the default resolver). A track without a token is hashed on every request; a track that does
/// not exist has no hash (<see langword="null"/>).
/// </summary>
internal sealed class ResolverTrackSourceHashProvider : ITrackSourceHashProvider
{
    private readonly ITrackAudioResolver _resolver;
    private readonly ConcurrentDictionary<string, (string Token, string Hash)> _cache = new(StringComparer.Ordinal);
    private int _computeCount;

    public ResolverTrackSourceHashProvider(ITrackAudioResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _resolver = resolver;
    }

    /// <summary>Gets how many times a track was decoded to hash it (for tests).</summary>
    internal int ComputeCount => Volatile.Read(ref _computeCount);

    /// <inheritdoc/>
    public async ValueTask<string?> GetSourceContentHashAsync(string trackRef, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trackRef);
        var token = _resolver.GetChangeToken(trackRef);
        if (token is not null && _cache.TryGetValue(trackRef, out var cached) && cached.Token == token)
        {
            return cached.Hash;
        }

        IAudioSource source;
        try
        {
            source = _resolver.Open(trackRef);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            _cache.TryRemove(trackRef, out _);
            return null;
        }

        using (source)
        {
            var hash = await AudioContentHasher.ComputeAsync(source, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _computeCount);
            if (token is not null)
            {
                _cache[trackRef] = (token, hash);
            }

            return hash;
        }
    }
}
