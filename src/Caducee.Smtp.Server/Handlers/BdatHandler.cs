// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Commands;
using Caducee.Smtp.Protocol.StateMachine;
using Caducee.Smtp.Server.Session;

namespace Caducee.Smtp.Server.Handlers;

/// <summary>
/// BDAT (RFC 3030 CHUNKING). Every BDAT with a readable size has its chunk consumed, even when the command is
/// refused (bad sequence, failed transaction): otherwise the chunk would be read as commands. Each chunk is
/// answered once read: 250 for a chunk kept, 552 when the message passed the size limit (the transaction then
/// fails), and at BDAT LAST the end-of-message processing shared with DATA.
/// </summary>
internal static class BdatHandler
{
    /// <summary>Prepares the session to read the chunk of <paramref name="command"/>; <paramref name="refusal"/> is the reply of a refused BDAT.</summary>
    public static SessionAction Start(SmtpSession session, BdatCommand command, SmtpReply? refusal)
    {
        var options = session.Options;
        var transfer = session.Bdat;
        if (refusal is null && (transfer is null || session.State == SmtpState.RcptGiven))
        {
            // The first chunk of a transaction starts a new transfer: nothing of an abandoned one (RSET, EHLO) is kept.
            transfer = session.Bdat = new BdatTransfer(options.MaxMessageSize, options.MaxDataLineLength);
        }

        // The chunk is discarded when refused, so a refused transfer does not touch the transaction's content.
        var room = refusal is null ? options.MaxMessageSize - transfer!.Receiver.Size : 0;
        if (command.ChunkSize > room + options.DrainLimit)
        {
            // Too much to drain: answer now and close rather than read it all.
            session.Errors++;
            session.Transaction = null;
            session.Bdat = null;
            session.State = SmtpState.Ready;
            var reply = refusal is not null
                ? refusal with { Lines = [refusal.Text + "; closing connection"] }
                : new SmtpReply(552, "5.3.4", $"BDAT chunk of {command.ChunkSize.ToString(CultureInfo.InvariantCulture)} octets exceeds the message size limit of {options.MaxMessageSize.ToString(CultureInfo.InvariantCulture)} octets; closing connection");
            Log.MessageRefused(session.Logger, session.Id, reply.Code, reply.Enhanced, reply.Text);
            session.Reply(reply);
            return SessionAction.Close;
        }

        if (refusal is not null)
        {
            // A throw-away transfer: the refused chunk must not mix with a transaction in progress.
            var discard = new BdatTransfer(0) { Current = command, Refusal = refusal };
            discard.Receiver.StartChunk(command.ChunkSize, discard: true);
            session.PendingDiscard = discard;
            return SessionAction.BeginChunk;
        }

        transfer!.Current = command;
        transfer.Refusal = null;
        transfer.Receiver.StartChunk(command.ChunkSize, discard: false);
        return SessionAction.BeginChunk;
    }

    /// <summary>Answers the chunk just read.</summary>
    public static async Task EndOfChunkAsync(SmtpSession session, CancellationToken cancellationToken)
    {
        if (session.PendingDiscard is { } discarded)
        {
            session.PendingDiscard = null;
            session.Reply(discarded.Refusal!);
            return;
        }

        var transfer = session.Bdat!;
        var command = transfer.Current!;
        if (transfer.Receiver.TooLarge || transfer.Receiver.LineTooLong)
        {
            // RFC 3030 §2: the transaction has failed; the client must not send more chunks (any that come are refused).
            session.Transaction = null;
            session.Bdat = null;
            session.State = SmtpState.Ready;
            var reply = transfer.Receiver.TooLarge
                ? new SmtpReply(552, "5.3.4", $"Message size exceeds the limit of {session.Options.MaxMessageSize.ToString(CultureInfo.InvariantCulture)} octets")
                : new SmtpReply(554, "5.6.0", $"Message refused: a line is longer than {session.Options.MaxDataLineLength.ToString(CultureInfo.InvariantCulture)} octets (RFC 5321 §4.5.3.1.6); wrap long lines or use a MIME transfer encoding");
            Log.MessageRefused(session.Logger, session.Id, reply.Code, reply.Enhanced, reply.Text);
            session.Reply(reply);
            return;
        }

        if (!command.Last)
        {
            session.Reply(new SmtpReply(250, "2.0.0", $"{command.ChunkSize.ToString(CultureInfo.InvariantCulture)} octets received"));
            return;
        }

        session.Bdat = null;
        await DataHandler.EndOfMessageAsync(session, transfer.Content.WrittenMemory, tooLarge: false, lineTooLong: false, cancellationToken).ConfigureAwait(false);
    }
}
