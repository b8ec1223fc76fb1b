// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Server.Session;

/// <summary>
/// Wakes a session waiting in IDLE when the change feed reports a change (any thread may <see cref="Set"/>).
/// The session waits on <see cref="Task"/> together with its pending read: the read is never cancelled, so
/// a TLS or DEFLATE stream is never left in the middle of a record.
/// </summary>
internal sealed class WakeSignal
{
    private TaskCompletionSource _source = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Task => Volatile.Read(ref _source).Task;

    public void Set() => Volatile.Read(ref _source).TrySetResult();

    /// <summary>Re-arms after a wake (call before checking whether there is work, so no wake is lost).</summary>
    public void Reset()
    {
        var current = Volatile.Read(ref _source);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _source, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        }
    }
}
