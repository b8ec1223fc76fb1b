// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using Caducee.Host.Nodes;
using Caducee.Hosting.Configuration;

namespace Caducee.Host.Commands;

/// <summary>`caducee serve --config FILE [--data DIR]`: run one operator node or the authority.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config")
        {
            Description = "Configuration file (JSON with comments, as written by 'caducee init'); environment variables CADUCEE__Key__SubKey override it.",
            DefaultValueFactory = _ => "appsettings.json",
        };
        var data = new Option<string?>("--data") { Description = "Data folder; overrides DataDir of the configuration." };
        var command = new Command("serve", "Run one node (operator or authority) from a configuration file.") { config, data };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            var file = parse.GetValue(config)!;
            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(data) is { } dir)
            {
                overrides["DataDir"] = Path.GetFullPath(dir);
            }

            var configuration = NodeSettings.Build(file, overrides);
            var baseDir = Path.GetDirectoryName(Path.GetFullPath(file))!;
            using var shutdown = CommonOptions.Shutdown(ct);
            using var loggerFactory = CommonOptions.CreateLoggerFactory();
            IAsyncDisposable node = NodeSettings.Role(configuration) switch
            {
                NodeRole.Authority => await AuthorityNode.StartAsync(NodeSettings.Authority(configuration, baseDir), loggerFactory, shutdown.Token).ConfigureAwait(false),
                _ => await OperatorNode.StartAsync(NodeSettings.Operator(configuration, baseDir), loggerFactory, shutdown.Token).ConfigureAwait(false),
            };
            await using (node.ConfigureAwait(false))
            {
                Console.WriteLine("Caducée node running. Press Ctrl-C to stop.");
                await shutdown.WaitAsync().ConfigureAwait(false);
                Console.WriteLine("Stopping…");
            }

            return 0;
        }));
        return command;
    }
}
