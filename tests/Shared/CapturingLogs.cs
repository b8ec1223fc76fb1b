// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Caducee.Testing;

/// <summary>Every log line, with its event id, so tests can assert on events and on what is never logged.</summary>
public sealed class CapturingLogs : ILoggerProvider
{
    public ConcurrentQueue<(int EventId, LogLevel Level, string Text)> Events { get; } = new();

    public string AllText => string.Join('\n', Events.Select(e => $"[{e.EventId}] {e.Text}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Events.Enqueue((eventId.Id, logLevel, formatter(state, exception) + (exception is null ? string.Empty : " " + exception)));
    }
}
