// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Operations.PreAuth;
using Caducee.Imap.Server.Session;
using Caducee.Primitives;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// From a received request to the tagged response: parse (the protocol core), check the state against the
/// command table (STYLE.md §4.4), run the one operation of the command, send the untagged updates the
/// command allows, then the tagged status. Storage failures become NO with their code here, in one place
/// (<see cref="Failures"/>).
/// </summary>
internal static class Dispatcher
{
    public static async ValueTask<ImapAction> DispatchAsync(ImapSession session, ImapRequest request, bool pipelined, CancellationToken cancellationToken)
    {
        var parsed = ImapCommandParser.Parse(request, session.ParserOptions);
        if (parsed.Error is { } error)
        {
            if (error.Status == ImapStatus.Bad)
            {
                session.Errors++;
            }

            session.Out.Tagged(error);
            return ImapAction.None;
        }

        var command = parsed.Command!;
        var info = ImapCommandTable.TryGet(command.Name, out var row) ? row : throw new InvalidOperationException($"{command.Name} is not in the command table");
        var state = session.State switch
        {
            Selected => ImapSessionStates.Selected,
            Authenticated => ImapSessionStates.Authenticated,
            _ => ImapSessionStates.NotAuthenticated,
        };
        if (!info.IsAllowedIn(state))
        {
            AbortSinks(command);
            session.Errors++;
            var why = state == ImapSessionStates.NotAuthenticated ? "log in first"
                : info.AllowedIn == ImapSessionStates.Selected ? "select a mailbox first"
                : info.AllowedIn == ImapSessionStates.NotAuthenticated ? "already logged in"
                : "not allowed in this state";
            session.Out.Tagged(command.Tag, ImapStatus.Bad, $"{command.Name}: {why}");
            return ImapAction.None;
        }

        if (command.EnablesCondStore && command is not EnableCommand && state != ImapSessionStates.NotAuthenticated)
        {
            // RFC 7162 §3.1: the first CONDSTORE-enabling command turns it on for the session.
            session.EnableCondStore();
        }

        Completion completion;
        try
        {
            completion = state == ImapSessionStates.NotAuthenticated
                ? await PreAuthDispatcher.RunAsync(session, command, cancellationToken).ConfigureAwait(false)
                : await RunAsync(session, command, cancellationToken).ConfigureAwait(false);
        }
        catch (MailException ex)
        {
            AbortSinks(command);
            Log.StorageFailure(session.Logger, session.Id, ex.Error.ToString(), command.Name);
            completion = Failures.From(ex);
        }

        if (completion.IsPending)
        {
            return ImapAction.None;
        }

        if (session.State is Selected && command is not (SelectCommand or LogoutCommand))
        {
            var usesSequences = (info.Flags & ImapCommandFlags.UsesSequenceNumbers) != 0;
            await SelectedUpdates.ReportAsync(session, allowExpunges: !usesSequences && !pipelined, force: command is NoopCommand or CheckCommand, cancellationToken).ConfigureAwait(false);
        }

        if (session.State is LoggedOut && completion.Action != ImapAction.Logout)
        {
            // A BYE was sent (the selected mailbox was deleted meanwhile).
            return ImapAction.Logout;
        }

        if (completion.Status == ImapStatus.Bad)
        {
            session.Errors++;
        }

        session.Out.Tagged(command.Tag, completion.Status, completion.Code, completion.Text);
        return completion.Action;
    }

    private static ValueTask<Completion> RunAsync(ImapSession session, ImapCommand command, CancellationToken ct) => command switch
    {
        CapabilityCommand c => CapabilityOperation.RunAsync(session, c, ct),
        NoopCommand c => NoopOperation.RunAsync(session, c, ct),
        LogoutCommand c => LogoutOperation.RunAsync(session, c, ct),
        IdCommand c => IdOperation.RunAsync(session, c, ct),
        EnableCommand c => EnableOperation.RunAsync(session, c, ct),
        CompressCommand c => CompressOperation.RunAsync(session, c, ct),
        SelectCommand c => SelectOperation.RunAsync(session, c, ct),
        CreateCommand c => CreateOperation.RunAsync(session, c, ct),
        DeleteCommand c => DeleteOperation.RunAsync(session, c, ct),
        RenameCommand c => RenameOperation.RunAsync(session, c, ct),
        SubscribeCommand c => SubscribeOperation.RunAsync(session, c, ct),
        UnsubscribeCommand c => UnsubscribeOperation.RunAsync(session, c, ct),
        ListCommand c => ListOperation.RunAsync(session, c, ct),
        LsubCommand c => LsubOperation.RunAsync(session, c, ct),
        NamespaceCommand c => NamespaceOperation.RunAsync(session, c, ct),
        StatusCommand c => StatusOperation.RunAsync(session, c, ct),
        AppendCommand c => AppendOperation.RunAsync(session, c, ct),
        IdleCommand c => IdleOperation.RunAsync(session, c, ct),
        CheckCommand c => CheckOperation.RunAsync(session, c, ct),
        CloseCommand c => CloseOperation.RunAsync(session, c, ct),
        UnselectCommand c => UnselectOperation.RunAsync(session, c, ct),
        ExpungeCommand c => ExpungeOperation.RunAsync(session, c, ct),
        SearchCommand c => SearchOperation.RunAsync(session, c, ct),
        FetchCommand c => FetchOperation.RunAsync(session, c, ct),
        StoreCommand c => StoreOperation.RunAsync(session, c, ct),
        CopyCommand c => CopyOperation.RunAsync(session, c, ct),
        MoveCommand c => MoveOperation.RunAsync(session, c, ct),
        SortCommand c => SortOperation.RunAsync(session, c, ct),
        ThreadCommand c => ThreadOperation.RunAsync(session, c, ct),
        GetQuotaCommand c => GetQuotaOperation.RunAsync(session, c, ct),
        GetQuotaRootCommand c => GetQuotaRootOperation.RunAsync(session, c, ct),
        SetQuotaCommand c => SetQuotaOperation.RunAsync(session, c, ct),
        GetAclCommand c => GetAclOperation.RunAsync(session, c, ct),
        SetAclCommand c => SetAclOperation.RunAsync(session, c, ct),
        DeleteAclCommand c => DeleteAclOperation.RunAsync(session, c, ct),
        ListRightsCommand c => ListRightsOperation.RunAsync(session, c, ct),
        MyRightsCommand c => MyRightsOperation.RunAsync(session, c, ct),
        GetMetadataCommand or SetMetadataCommand => MetadataOperation.RunAsync(session, command, ct),
        _ => ValueTask.FromResult(Completion.Bad($"{command.Name}: not allowed in this state")),
    };

    /// <summary>APPEND literals spooled to disk are discarded when the command does not reach the store.</summary>
    private static void AbortSinks(ImapCommand command)
    {
        if (command is AppendCommand append)
        {
            foreach (var message in append.Messages)
            {
                message.Sink?.Abort();
            }
        }
    }
}
