using System.Collections.Immutable;
using Orleans.Concurrency;

namespace AudioVis.Cache.Orleans.Grains;

/// <inheritdoc cref="IRegenerationEventHubGrain"/>
/// <remarks>
/// In memory only: when its silo dies the hub reactivates empty elsewhere and is refilled within one refresh period
/// (clients resubscribe, silos report their gates again). Gates of silos that are no longer active members are ignored.
/// </remarks>
[Reentrant]
internal sealed class RegenerationEventHubGrain(IClusterMembershipService membership, TimeProvider time) : Grain, IRegenerationEventHubGrain
{
    private readonly Dictionary<IRegenerationStatusObserver, DateTimeOffset> _observers = [];
    private readonly Dictionary<SiloAddress, WireGates> _gates = [];

    public Task SubscribeAsync(IRegenerationStatusObserver observer, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers[observer] = time.GetUtcNow() + lifetime;
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IRegenerationStatusObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers.Remove(observer);
        return Task.CompletedTask;
    }

    public Task PublishAsync(ImmutableArray<WireStatus> changes)
    {
        var now = time.GetUtcNow();
        List<IRegenerationStatusObserver>? expired = null;
        foreach (var (observer, expiry) in _observers)
        {
            if (expiry < now)
            {
                (expired ??= []).Add(observer);
                continue;
            }

            // One-way: a slow or dead client does not hold up the others.
            _ = observer.OnStatusChangedAsync(changes);
        }

        foreach (var observer in expired ?? [])
        {
            _observers.Remove(observer);
        }

        return Task.CompletedTask;
    }

    public Task ReportGatesAsync(SiloAddress silo, WireGates gates)
    {
        ArgumentNullException.ThrowIfNull(silo);
        _gates[silo] = gates;
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<WireGates>> GetGatesAsync()
    {
        var snapshot = membership.CurrentSnapshot;
        var builder = ImmutableArray.CreateBuilder<WireGates>(_gates.Count);
        foreach (var (silo, gates) in _gates.ToArray())
        {
            var status = snapshot.GetSiloStatus(silo);
            if (status == SiloStatus.Active)
            {
                builder.Add(gates);
            }
            else if (status is SiloStatus.Dead)
            {
                _gates.Remove(silo);
            }
        }

        return Task.FromResult(builder.ToImmutable());
    }
}
