// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Protocol.Selection;
using Caducee.Imap.Server.Session;
using Caducee.Mime;
using Caducee.Mime.Imap;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// FETCH and UID FETCH (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 CHANGEDSINCE and VANISHED). What each
/// item costs decides what is read: UID, FLAGS, INTERNALDATE, RFC822.SIZE and MODSEQ come from the message
/// rows; ENVELOPE, BODY and BODYSTRUCTURE from the views cached at delivery (no blob read); sections and
/// BINARY parse the stored bytes with the MIME engine. Messages are read in batches and the response is
/// sent as it is built; large literals go out without a copy. A non-PEEK body fetch sets \Seen (with "s",
/// RFC 4314) and reports the new FLAGS.
/// </summary>
internal static class FetchOperation
{
    /// <summary>Literals from this size up are written straight to the connection.</summary>
    private const int DirectLiteral = 64 * 1024;

    public static async ValueTask<Completion> RunAsync(ImapSession session, FetchCommand command, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        if (!MessageSets.TryResolve(selected, command.Set, command.Uid, out var refs, out var bad))
        {
            return bad;
        }

        var items = command.Items;
        var needViews = items.Any(i => i.Kind is FetchItemKind.Envelope or FetchItemKind.Body or FetchItemKind.BodyStructure);
        var needBlob = items.Any(i => i.Kind is FetchItemKind.Rfc822 or FetchItemKind.Rfc822Header or FetchItemKind.Rfc822Text
            or FetchItemKind.BodySection or FetchItemKind.BinarySection or FetchItemKind.BinarySize);
        var setSeen = command.SetsSeen && !selected.ReadOnly && selected.Rights.Has('s');
        var hasFlags = items.Any(i => i.Kind == FetchItemKind.Flags);
        var hasModSeq = items.Any(i => i.Kind == FetchItemKind.ModSeq);

        if (command.Vanished && !session.QResync)
        {
            return Completion.Bad("UID FETCH: VANISHED needs ENABLE QRESYNC first (RFC 7162 §3.2.6)");
        }

        if (command.Vanished && command.ChangedSince is long since)
        {
            // RFC 7162 §3.2.6: the UIDs of the set expunged since the client's MODSEQ, first. Those still in
            // the session's view are reported as VANISHED later, when they leave it.
            var changes = await session.Services.Store.GetChangesSinceAsync(selected.FolderId, since, cancellationToken).ConfigureAwait(false);
            var max = Math.Max(selected.Map.MaxUid, (uint)Math.Min(selected.Folder.UidNext, uint.MaxValue));
            session.Out.Vanished(changes.Expunged.Where(u => u <= uint.MaxValue && command.Set.Contains(u, max) && selected.Map.SequenceOf((uint)u) == 0).Select(u => (uint)u), earlier: true);
        }

        var missing = false;
        await foreach (var batch in MessageSets.ReadAsync(session, selected.FolderId, refs, needViews, cancellationToken).ConfigureAwait(false))
        {
            var seenNow = setSeen ? await MarkSeenAsync(session, selected, batch, cancellationToken).ConfigureAwait(false) : [];
            foreach (var (reference, found) in batch)
            {
                if (found is null)
                {
                    missing = true;
                    continue;
                }

                var message = seenNow.GetValueOrDefault(found.Uid) ?? found;
                if (command.ChangedSince is long changedSince && message.ModSeq <= changedSince)
                {
                    continue;
                }

                MimeMessage? mime = null;
                if (needBlob)
                {
                    mime = MimeParser.Parse(await session.Services.Blobs.ReadAsync(message.BlobId, cancellationToken).ConfigureAwait(false));
                    if (items.Any(i => i.Kind == FetchItemKind.BinarySection && ImapFetch.Resolve(mime, i.Section!.Part)?.TransferEncoding == MimeTransferEncoding.Unknown))
                    {
                        return Completion.No(ResponseCode.UnknownCte, "The part has a content transfer encoding this server cannot decode");
                    }
                }

                await WriteAsync(session, reference, message, mime, items, cancellationToken).ConfigureAwait(false);
                if (seenNow.ContainsKey(message.Uid) && !hasFlags)
                {
                    // The \Seen just set is reported in the same response (RFC 9051 §6.4.5).
                    session.Out.Raw(" "u8);
                    WriteFlags(session, message, modSeq: !hasModSeq);
                }

                session.Out.Raw(")\r\n"u8);
                await session.FlushIfLargeAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return missing
            ? Completion.No(ResponseCode.ExpungeIssued, "Some of the requested messages were expunged meanwhile")
            : Completion.Ok($"{command.Name} completed");
    }

    /// <summary>Sets \Seen on the messages of the batch that lack it; returns them with their new flags and MODSEQ.</summary>
    private static async Task<Dictionary<long, MessageSummary>> MarkSeenAsync(ImapSession session, SelectedMailbox selected, IReadOnlyList<(MessageRef Ref, MessageSummary? Message)> batch, CancellationToken cancellationToken)
    {
        var unseen = batch.Where(b => b.Message is { } m && (m.Flags & MessageFlags.Seen) == 0).Select(b => b.Message!.Uid).ToList();
        if (unseen.Count == 0)
        {
            return [];
        }

        var result = await session.Services.Store.StoreFlagsAsync(selected.FolderId, unseen, FlagChange.Add(MessageFlags.Seen), null, cancellationToken).ConfigureAwait(false);
        selected.Acknowledge(result.HighestModSeq);
        var views = batch.Where(b => b.Message is not null).ToDictionary(b => b.Message!.Uid, b => b.Message!.Views);
        return result.Changed.ToDictionary(m => m.Uid, m => m with { Views = views.GetValueOrDefault(m.Uid) });
    }

    /// <summary>"* n FETCH (item…" without the closing parenthesis (the caller may add FLAGS).</summary>
    private static async Task WriteAsync(ImapSession session, MessageRef reference, MessageSummary message, MimeMessage? mime, IReadOnlyList<FetchItem> items, CancellationToken cancellationToken)
    {
        var o = session.Out;
        o.Raw("* "u8).Number(reference.SequenceNumber).Raw(" FETCH ("u8);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                o.Raw(" "u8);
            }

            var item = items[i];
            switch (item.Kind)
            {
                case FetchItemKind.Uid:
                    o.Raw("UID "u8).Number(message.Uid);
                    break;
                case FetchItemKind.Flags:
                    WriteFlags(session, message, modSeq: false);
                    break;
                case FetchItemKind.InternalDate:
                    o.Raw("INTERNALDATE "u8).DateTime(message.InternalDate);
                    break;
                case FetchItemKind.Rfc822Size:
                    o.Raw("RFC822.SIZE "u8).Number(message.Size);
                    break;
                case FetchItemKind.ModSeq:
                    o.Raw("MODSEQ ("u8).Number(message.ModSeq).Raw(")"u8);
                    break;
                case FetchItemKind.SaveDate:
                    o.Raw("SAVEDATE NIL"u8);
                    break;
                case FetchItemKind.Envelope:
                    o.Raw("ENVELOPE "u8).Raw(message.Views!.Envelope);
                    break;
                case FetchItemKind.Body:
                    o.Raw("BODY "u8).Raw(message.Views!.Body);
                    break;
                case FetchItemKind.BodyStructure:
                    o.Raw("BODYSTRUCTURE "u8).Raw(message.Views!.BodyStructure);
                    break;
                case FetchItemKind.BinarySize:
                    o.Raw(item.ResponseName).Raw(" "u8);
                    if (ImapFetch.GetBinarySize(mime!, item.Section!.Part) is long size)
                    {
                        o.Number(size);
                    }
                    else
                    {
                        o.Nil();
                    }

                    break;
                default:
                    await WriteSectionAsync(session, item, mime!, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private static async Task WriteSectionAsync(ImapSession session, FetchItem item, MimeMessage mime, CancellationToken cancellationToken)
    {
        var o = session.Out;
        var section = item.Kind switch
        {
            FetchItemKind.Rfc822 => ImapSection.Whole,
            FetchItemKind.Rfc822Header => new ImapSection([], ImapSectionText.Header, []),
            FetchItemKind.Rfc822Text => new ImapSection([], ImapSectionText.Text, []),
            _ => ToMime(item.Section!, item.Partial),
        };
        var binary = item.Kind == FetchItemKind.BinarySection;
        var data = binary ? ImapFetch.GetBinary(mime, section) : ImapFetch.GetBody(mime, section);
        o.Raw(item.ResponseName).Raw(" "u8);
        if (data is not { } bytes)
        {
            // A part that does not exist is returned empty (BINARY: NIL, RFC 3516 §4.2).
            o.Raw(binary ? "NIL"u8 : "\"\""u8);
            return;
        }

        var literal8 = binary && bytes.Span.Contains((byte)0);
        if (bytes.Length < DirectLiteral)
        {
            if (literal8)
            {
                o.Literal8(bytes.Span);
            }
            else
            {
                o.Literal(bytes.Span);
            }

            return;
        }

        o.LiteralHeader(bytes.Length, literal8);
        await session.WriteDirectAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private static void WriteFlags(ImapSession session, MessageSummary message, bool modSeq)
    {
        session.Out.Raw("FLAGS "u8).Flags((ImapSystemFlags)message.Flags, message.Keywords);
        if (modSeq && session.CondStore)
        {
            session.Out.Raw(" MODSEQ ("u8).Number(message.ModSeq).Raw(")"u8);
        }
    }

    private static ImapSection ToMime(SectionSpec section, FetchPartial? partial) => new(
        section.Part,
        section.Text switch
        {
            SectionText.Header => ImapSectionText.Header,
            SectionText.HeaderFields => ImapSectionText.HeaderFields,
            SectionText.HeaderFieldsNot => ImapSectionText.HeaderFieldsNot,
            SectionText.Text => ImapSectionText.Text,
            SectionText.Mime => ImapSectionText.Mime,
            _ => ImapSectionText.None,
        },
        section.Fields,
        partial?.Start,
        partial?.Length);
}
