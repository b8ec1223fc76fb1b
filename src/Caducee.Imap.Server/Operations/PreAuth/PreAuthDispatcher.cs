// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations.PreAuth;

/// <summary>
/// The commands an unauthenticated client may use (RFC 9051 §6.1, §6.2), kept apart from the rest (the
/// Dovecot login split as a code boundary, STYLE.md §3): nothing here touches a mailbox.
/// </summary>
internal static class PreAuthDispatcher
{
    public static ValueTask<Completion> RunAsync(ImapSession session, ImapCommand command, CancellationToken ct) => command switch
    {
        CapabilityCommand c => CapabilityOperation.RunAsync(session, c, ct),
        NoopCommand c => NoopOperation.RunAsync(session, c, ct),
        LogoutCommand c => LogoutOperation.RunAsync(session, c, ct),
        IdCommand c => IdOperation.RunAsync(session, c, ct),
        StartTlsCommand c => StartTlsOperation.RunAsync(session, c, ct),
        LoginCommand c => LoginOperation.RunAsync(session, c, ct),
        AuthenticateCommand c => AuthenticateOperation.RunAsync(session, c, ct),
        _ => ValueTask.FromResult(Completion.Bad($"{command.Name}: log in first")),
    };
}
