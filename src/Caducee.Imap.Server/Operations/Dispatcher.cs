// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Frozen;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>In which states a command is valid (RFC 9051 §6).</summary>
[Flags]
internal enum AllowedIn
{
    NotAuthenticated = 1,
    Authenticated = 2,
    Selected = 4,
    Any = NotAuthenticated | Authenticated | Selected,
    AfterLogin = Authenticated | Selected,
}

/// <summary>The command table as data: name → operation and the states it is valid in (STYLE.md §4.4).</summary>
internal static class Dispatcher
{
    private delegate ValueTask<ImapAction> Operation(ImapSession session, ImapRequest request, CancellationToken cancellationToken);

    private static readonly FrozenDictionary<string, (Operation Run, AllowedIn States)> s_table = new Dictionary<string, (Operation, AllowedIn)>
    {
        ["CAPABILITY"] = (CapabilityOperation.RunAsync, AllowedIn.Any),
        ["NOOP"] = (NoopOperation.RunAsync, AllowedIn.Any),
        ["LOGOUT"] = (LogoutOperation.RunAsync, AllowedIn.Any),
        ["STARTTLS"] = (StartTlsOperation.RunAsync, AllowedIn.NotAuthenticated),
        ["LOGIN"] = (LoginOperation.RunAsync, AllowedIn.NotAuthenticated),
        ["AUTHENTICATE"] = (AuthenticateOperation.RunAsync, AllowedIn.NotAuthenticated),
        ["SELECT"] = (SelectOperation.RunAsync, AllowedIn.AfterLogin),
        ["EXAMINE"] = (SelectOperation.RunAsync, AllowedIn.AfterLogin),
        ["LIST"] = (ListOperation.RunAsync, AllowedIn.AfterLogin),
        ["STATUS"] = (StatusOperation.RunAsync, AllowedIn.AfterLogin),
        ["FETCH"] = (FetchOperation.RunAsync, AllowedIn.Selected),
        ["UID FETCH"] = (FetchOperation.RunAsync, AllowedIn.Selected),
        ["STORE"] = (StoreOperation.RunAsync, AllowedIn.Selected),
        ["UID STORE"] = (StoreOperation.RunAsync, AllowedIn.Selected),
        ["CLOSE"] = (CloseOperation.RunAsync, AllowedIn.Selected),
        ["UNSELECT"] = (CloseOperation.RunAsync, AllowedIn.Selected),
        ["CHECK"] = (NoopOperation.RunAsync, AllowedIn.Selected),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static async ValueTask<ImapAction> DispatchAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        if (!s_table.TryGetValue(request.Command, out var entry))
        {
            session.Errors++;
            session.Out.Tagged(request.Tag, "BAD", $"Unknown or unsupported command {request.Command}");
            return ImapAction.None;
        }

        var current = session.State switch
        {
            Selected => AllowedIn.Selected,
            Authenticated => AllowedIn.Authenticated,
            _ => AllowedIn.NotAuthenticated,
        };
        if ((entry.States & current) == 0)
        {
            session.Errors++;
            var why = current == AllowedIn.NotAuthenticated ? "log in first" : entry.States == AllowedIn.Selected ? "select a mailbox first" : "not allowed in this state";
            session.Out.Tagged(request.Tag, "BAD", $"{request.Command}: {why}");
            return ImapAction.None;
        }

        return await entry.Run(session, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Answers BAD for wrong arguments.</summary>
    public static ImapAction Bad(ImapSession session, ImapRequest request, string text)
    {
        session.Errors++;
        session.Out.Tagged(request.Tag, "BAD", text);
        return ImapAction.None;
    }
}
