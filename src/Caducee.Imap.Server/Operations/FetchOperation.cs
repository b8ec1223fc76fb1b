// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Protocol.Responses;
using Caducee.Imap.Server.Session;
using Caducee.Mime;
using Caducee.Mime.Imap;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// FETCH and UID FETCH (RFC 9051 §6.4.5, RFC 3501 §6.4.5, RFC 3516 BINARY): UID, FLAGS, INTERNALDATE,
/// RFC822.SIZE, ENVELOPE, BODY, BODYSTRUCTURE, RFC822[.HEADER|.TEXT], BODY[section]&lt;partial&gt;,
/// BODY.PEEK, BINARY[.PEEK][section]&lt;partial&gt;, BINARY.SIZE, and the ALL/FAST/FULL macros. The MIME
/// views are computed from the stored bytes by the MIME engine. A non-PEEK body fetch sets \Seen and
/// reports the new FLAGS.
/// </summary>
internal static class FetchOperation
{
    private enum Kind
    {
        Uid,
        Flags,
        Size,
        InternalDate,
        Envelope,
        Body,
        BodyStructure,
        Section,
        Binary,
        BinarySize,
    }

    /// <summary>One requested item; <see cref="Name"/> is how the response names it.</summary>
    private sealed record Item(Kind Kind, string Name, ImapSection? Section = null, bool SetsSeen = false);

    public static async ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        var byUid = request.Command.StartsWith("UID ", StringComparison.Ordinal);
        if (request.Arguments.Count != 2 || request.Arguments[0].Kind != ImapTokenKind.Atom || !SequenceSet.TryParse(request.Arguments[0].Text, out var set))
        {
            return Dispatcher.Bad(session, request, "Syntax: FETCH <sequence-set> <item> | (<item> ...)");
        }

        var raw = request.Arguments[1].Kind == ImapTokenKind.List ? request.Arguments[1].Children!.Select(t => t.Text).ToList() : [request.Arguments[1].Text];
        var items = new List<Item>();
        foreach (var text in raw.SelectMany(ExpandMacro))
        {
            if (!TryParseItem(text, out var item, out var error))
            {
                return Dispatcher.Bad(session, request, error);
            }

            items.Add(item);
        }

        if (byUid && !items.Any(i => i.Kind == Kind.Uid))
        {
            items.Insert(0, new Item(Kind.Uid, "UID"));
        }

        var needsMime = items.Any(i => i.Kind is not (Kind.Uid or Kind.Flags or Kind.Size or Kind.InternalDate));
        var selected = (Selected)session.State;
        var maxUid = selected.Messages.Count == 0 ? 0 : selected.Messages[^1].Uid;
        var toMarkSeen = new List<long>();
        for (var i = 0; i < selected.Messages.Count; i++)
        {
            var message = selected.Messages[i];
            if (!(byUid ? set.Contains(message.Uid, maxUid) : set.Contains(i + 1, selected.Messages.Count)))
            {
                continue;
            }

            MimeMessage? mime = null;
            if (needsMime)
            {
                mime = MimeParser.Parse(await session.Services.Blobs.ReadAsync(message.BlobId, cancellationToken).ConfigureAwait(false));
                var unknown = items.FirstOrDefault(it => it.Kind == Kind.Binary && ImapFetch.Resolve(mime, it.Section!.Part)?.TransferEncoding == MimeTransferEncoding.Unknown);
                if (unknown is not null)
                {
                    session.Out.Tagged(request.Tag, "NO", "[UNKNOWN-CTE] The part has a content transfer encoding this server cannot decode");
                    return ImapAction.None;
                }
            }

            var setsSeen = !selected.ReadOnly && (message.Flags & MessageFlags.Seen) == 0 && items.Any(it => it.SetsSeen);
            if (setsSeen)
            {
                message = message with { Flags = message.Flags | MessageFlags.Seen };
                selected.Messages[i] = message;
                toMarkSeen.Add(message.Uid);
            }

            var o = session.Out;
            o.Raw($"* {i + 1} FETCH (");
            for (var k = 0; k < items.Count; k++)
            {
                if (k > 0)
                {
                    o.Raw(" ");
                }

                Write(o, items[k], message, mime);
            }

            if (setsSeen && !items.Any(it => it.Kind == Kind.Flags))
            {
                o.Raw(" FLAGS (").Raw(FormatFlags(message.Flags)).Raw(")");
            }

            o.Raw(")\r\n");
        }

        if (toMarkSeen.Count > 0)
        {
            await session.Services.Store.StoreFlagsAsync(selected.Folder.Id, toMarkSeen, FlagChange.Add(MessageFlags.Seen), null, cancellationToken).ConfigureAwait(false);
        }

        session.Out.Tagged(request.Tag, "OK", $"{request.Command} completed");
        return ImapAction.None;
    }

    internal static string FormatFlags(MessageFlags flags)
    {
        var names = new List<string>(5);
        if ((flags & MessageFlags.Seen) != 0)
        {
            names.Add("\\Seen");
        }

        if ((flags & MessageFlags.Answered) != 0)
        {
            names.Add("\\Answered");
        }

        if ((flags & MessageFlags.Flagged) != 0)
        {
            names.Add("\\Flagged");
        }

        if ((flags & MessageFlags.Deleted) != 0)
        {
            names.Add("\\Deleted");
        }

        if ((flags & MessageFlags.Draft) != 0)
        {
            names.Add("\\Draft");
        }

        return string.Join(' ', names);
    }

    private static void Write(ImapWriter o, Item item, MessageSummary message, MimeMessage? mime)
    {
        switch (item.Kind)
        {
            case Kind.Uid:
                o.Raw("UID ").Number(message.Uid);
                break;
            case Kind.Flags:
                o.Raw("FLAGS (").Raw(FormatFlags(message.Flags)).Raw(")");
                break;
            case Kind.Size:
                o.Raw("RFC822.SIZE ").Number(message.Size);
                break;
            case Kind.InternalDate:
                o.Raw("INTERNALDATE \"").Raw(message.InternalDate.ToUniversalTime().ToString("dd-MMM-yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Raw("\"");
                break;
            case Kind.Envelope:
                o.Raw("ENVELOPE ").Raw(ImapEnvelope.Build(mime!));
                break;
            case Kind.Body:
                o.Raw("BODY ").Raw(ImapBodyStructure.Build(mime!, extensible: false));
                break;
            case Kind.BodyStructure:
                o.Raw("BODYSTRUCTURE ").Raw(ImapBodyStructure.Build(mime!, extensible: true));
                break;
            case Kind.BinarySize:
                o.Raw(item.Name).Raw(" ");
                if (ImapFetch.GetBinarySize(mime!, item.Section!.Part) is { } size)
                {
                    o.Number(size);
                }
                else
                {
                    o.Raw("NIL");
                }

                break;
            default:
                var bytes = item.Kind == Kind.Binary ? ImapFetch.GetBinary(mime!, item.Section!) : ImapFetch.GetBody(mime!, item.Section!);
                o.Raw(item.Name).Raw(" ");
                if (bytes is { } b)
                {
                    o.Literal(b.Span);
                }
                else
                {
                    // RFC 9051 §7.5.2: a section that does not exist is returned empty.
                    o.Raw("\"\"");
                }

                break;
        }
    }

    private static IEnumerable<string> ExpandMacro(string text) => text.ToUpperInvariant() switch
    {
        "ALL" => ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"],
        "FAST" => ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
        "FULL" => ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"],
        _ => [text],
    };

    private static bool TryParseItem(string text, out Item item, out string error)
    {
        item = null!;
        error = string.Empty;
        var upper = text.ToUpperInvariant();
        switch (upper)
        {
            case "UID": item = new Item(Kind.Uid, upper); return true;
            case "FLAGS": item = new Item(Kind.Flags, upper); return true;
            case "RFC822.SIZE": item = new Item(Kind.Size, upper); return true;
            case "INTERNALDATE": item = new Item(Kind.InternalDate, upper); return true;
            case "ENVELOPE": item = new Item(Kind.Envelope, upper); return true;
            case "BODY": item = new Item(Kind.Body, upper); return true;
            case "BODYSTRUCTURE": item = new Item(Kind.BodyStructure, upper); return true;
            case "RFC822": item = new Item(Kind.Section, "RFC822", ImapSection.Whole, SetsSeen: true); return true;
            case "RFC822.HEADER": item = new Item(Kind.Section, "RFC822.HEADER", new ImapSection([], ImapSectionText.Header, [])); return true;
            case "RFC822.TEXT": item = new Item(Kind.Section, "RFC822.TEXT", new ImapSection([], ImapSectionText.Text, []), SetsSeen: true); return true;
        }

        // BODY[...], BODY.PEEK[...], BINARY[...], BINARY.PEEK[...], BINARY.SIZE[...], each with an optional <partial>.
        var open = text.IndexOf('[', StringComparison.Ordinal);
        var close = text.LastIndexOf(']');
        if (open < 0 || close < open)
        {
            error = $"Unknown FETCH item {text}";
            return false;
        }

        var prefix = upper[..open];
        var kind = prefix switch
        {
            "BODY" or "BODY.PEEK" => Kind.Section,
            "BINARY" or "BINARY.PEEK" => Kind.Binary,
            "BINARY.SIZE" => Kind.BinarySize,
            _ => (Kind?)null,
        };
        if (kind is null)
        {
            error = $"Unknown FETCH item {text}";
            return false;
        }

        var spec = upper[(open + 1)..close];
        var rest = text[(close + 1)..];
        string? partial = null;
        if (rest.Length > 0)
        {
            if (kind == Kind.BinarySize || rest[0] != '<' || rest[^1] != '>')
            {
                error = $"Malformed partial in {text}";
                return false;
            }

            partial = rest;
        }

        if (!ImapSection.TryParse(spec, partial, out var section) || (kind != Kind.Section && section.Text != ImapSectionText.None))
        {
            error = $"Malformed section in {text}";
            return false;
        }

        var baseName = kind switch { Kind.Section => "BODY", Kind.Binary => "BINARY", _ => "BINARY.SIZE" };
        var name = $"{baseName}[{spec}]" + (section.PartialStart is { } start ? $"<{start}>" : string.Empty);
        item = new Item(kind.Value, name, section, SetsSeen: prefix is "BODY" or "BINARY");
        return true;
    }
}
