// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using Caducee.Host.Commands;

namespace Caducee.Host;

/// <summary>The `caducee` executable: one process serving a node, running the demo, or administering a data folder.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("Caducée — an MSSanté operator and trust-space platform.")
        {
            DemoCommand.Create(),
            ServeCommand.Create(),
            InitCommand.Create(),
            MailboxCommand.Create(),
            StoreCommand.Create(),
            MimeCommand.Create(),
            DirectoryCommand.Create(),
            PkiCommand.Create(),
            WhitelistCommand.Create(),
            VersionCommand.Create(),
        };
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
