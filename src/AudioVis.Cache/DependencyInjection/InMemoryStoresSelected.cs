namespace AudioVis.Cache.DependencyInjection;

/// <summary>Registered by <c>UseInMemoryStores</c>: tells the source monitor not to persist fingerprints.</summary>
internal sealed class InMemoryStoresSelected;
