// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Caducee.EndToEnd.Tests.Infrastructure;

/// <summary>Keeps every formatted log line (with scopes and exception text) so tests can grep them for secrets.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<string> Lines { get; } = new();

    public string AllText => string.Join('\n', Lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            owner._scopes.ForEachScope((s, list) => list.Add(s?.ToString() ?? string.Empty), scopes);
            owner.Lines.Enqueue($"{logLevel} {category}[{eventId.Id}] {string.Join(" => ", scopes)} {formatter(state, exception)} {exception}");
        }
    }
}
