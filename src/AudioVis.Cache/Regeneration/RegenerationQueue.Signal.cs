using System.Threading.Tasks.Sources;

namespace AudioVis.Cache.Regeneration;

internal sealed partial class RegenerationQueue
{
    /// <summary>
    /// A reusable, allocation-free wake-up for the single dispatcher. Prepared and set only under the queue lock;
    /// continuations run asynchronously so a setter never runs the dispatcher inline while holding the lock.
    /// </summary>
    private sealed class DispatcherSignal : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

        public ValueTask WaitAsync()
        {
            _core.Reset();
            return new ValueTask(this, _core.Version);
        }

        public void Set() => _core.SetResult(true);

        public void GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
