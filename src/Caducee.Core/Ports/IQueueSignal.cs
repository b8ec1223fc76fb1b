// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Ports;

/// <summary>Wakes whoever waits for new work (the queue runner after an accept).</summary>
public interface IQueueSignal
{
    void Signal();

    ValueTask WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>An in-process <see cref="IQueueSignal"/>.</summary>
public sealed class QueueSignal : IQueueSignal, IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Signal()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the runner will look at the queue anyway.
        }
    }

    public void Dispose() => _semaphore.Dispose();

    public async ValueTask WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _semaphore.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
}
