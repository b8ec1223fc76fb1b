// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Reflection;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>ID (RFC 2971): the server's identification; the client's name and version are logged (nothing else of it).</summary>
internal static class IdOperation
{
    private static readonly string s_version = typeof(IdOperation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    public static ValueTask<Completion> RunAsync(ImapSession session, IdCommand command, CancellationToken cancellationToken)
    {
        if (command.Parameters is { } parameters)
        {
            string? Field(string name) => parameters.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
            Log.ClientId(session.Logger, session.Id, Clean(Field("name")), Clean(Field("version")));
        }

        session.Out.Id(
        [
            new("name", "Caducee"),
            new("vendor", "Caducee"),
            new("version", s_version),
            new("support-url", "https://" + session.Options.HostName + "/"),
        ]);
        return ValueTask.FromResult(Completion.Ok("ID completed"));
    }

    // Client-chosen text goes to the log: printable ASCII, bounded.
    private static string Clean(string? value) =>
        value is null ? "-" : new string([.. value.Take(64).Select(c => c is >= ' ' and < (char)127 ? c : '?')]);
}
