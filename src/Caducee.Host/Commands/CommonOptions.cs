// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using System.Runtime.InteropServices;
using Caducee.Hosting;
using Caducee.Hosting.Configuration;
using Caducee.Primitives;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Caducee.Host.Commands;

/// <summary>Options and plumbing shared by the verbs.</summary>
internal static class CommonOptions
{
    /// <summary>--data DIR: the data folder of the node (default ./data).</summary>
    public static Option<string> Data() => new("--data")
    {
        Description = "Data folder of the node (database, encrypted messages, keys).",
        DefaultValueFactory = _ => "./data",
    };

    /// <summary>--config FILE: the configuration whose <c>Store:*</c> keys say which database the admin verbs open.</summary>
    public static Option<string?> StoreConfig() => new("--config")
    {
        Description = "Configuration file whose Store:* keys name the database (default: DIR/caducee.json when it exists); CADUCEE__Store__* environment variables override it.",
    };

    /// <summary>Opens the node's stores for an admin verb: --data DIR, and the database named by --config (or DIR/caducee.json) and CADUCEE__Store__*.</summary>
    public static Task<NodeStorage> OpenStorageAsync(ParseResult parse, Option<string> data, Option<string?> config, CancellationToken cancellationToken)
    {
        var layout = new DataLayout(parse.GetValue(data)!);
        return NodeStorage.OpenAsync(layout.Root, cancellationToken, store: NodeStorage.SettingsOf(layout, parse.GetValue(config)));
    }

    /// <summary>Structured console logs: one line per event, with the session scope (session id).</summary>
    public static ILoggerFactory CreateLoggerFactory() => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(LogLevel.Information)
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddSimpleConsole(o =>
        {
            o.IncludeScopes = true;
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        }));

    /// <summary>
    /// A token cancelled by Ctrl-C (SIGINT), SIGTERM (systemd, container stop) or <paramref name="cancellationToken"/>.
    /// Create it first thing in a verb, so a signal during start-up stops cleanly too. SIGTERM is handled
    /// explicitly: a service must stop cleanly on it, and a background child inherits SIGINT as ignored.
    /// </summary>
    public static ShutdownSignal Shutdown(CancellationToken cancellationToken) => new(cancellationToken);

    /// <summary>Runs a verb's body, turning the expected failures into one clear line and an exit code.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }
        catch (MailException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    }
}

/// <summary>See <see cref="CommonOptions.Shutdown"/>.</summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _sigterm;
    private readonly PosixSignalRegistration _sigint;

    public ShutdownSignal(CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>Waits for the signal.</summary>
    public async Task WaitAsync()
    {
        try
        {
            await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown requested.
        }
    }

    public void Dispose()
    {
        _sigterm.Dispose();
        _sigint.Dispose();
        _stop.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.Cancel();
    }
}
