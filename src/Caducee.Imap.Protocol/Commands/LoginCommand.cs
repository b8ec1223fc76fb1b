// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>LOGIN (RFC 9051 §6.2.3): user name and password. Refuse it before TLS (LOGINDISABLED).</summary>
/// <param name="UserName">The user name (UTF-8).</param>
/// <param name="Password">The password (UTF-8). Never logged: <see cref="ToString"/> redacts it.</param>
public sealed record LoginCommand(string UserName, string Password) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "LOGIN";

    /// <summary>The command without its credentials.</summary>
    public override string ToString() => $"{Tag} LOGIN (credentials redacted)";

    // login = "LOGIN" SP userid SP password ; userid = astring ; password = astring
    internal static ImapParseResult Parse(ArgumentReader r) =>
        r.TryAstring("user name", out var user) && r.TryAstring("password", out var password) && r.TryEnd()
            ? new LoginCommand(user, password) { Tag = r.Tag }
            : r.Error;
}
