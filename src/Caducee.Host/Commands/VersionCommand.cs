// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using System.Reflection;

namespace Caducee.Host.Commands;

/// <summary>`caducee version`.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the version of Caducée and of the .NET runtime.");
        command.SetAction(_ =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            Console.WriteLine($"caducee {version} (.NET {Environment.Version})");
            return 0;
        });
        return command;
    }
}
