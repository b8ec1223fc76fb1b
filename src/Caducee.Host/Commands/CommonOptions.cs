// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
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
