// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server.Operations;

/// <summary>
/// FETCH and UID FETCH (RFC 9051 §6.4.5). This first version serves the items that need no MIME parse:
/// UID, FLAGS, INTERNALDATE, RFC822.SIZE, RFC822, RFC822.HEADER, RFC822.TEXT and BODY[]/BODY[HEADER]/
/// BODY[TEXT] with partials; ENVELOPE and BODYSTRUCTURE arrive with the MIME engine. A non-PEEK body
/// fetch sets \Seen (and reports the new FLAGS).
/// </summary>
internal static class FetchOperation
{
    private sealed record Item(string Name, string Section, bool Peek, long? PartialStart, long? PartialLength);

    public static async ValueTask<ImapAction> RunAsync(ImapSession session, ImapRequest request, CancellationToken cancellationToken)
    {
        var byUid = request.Command.StartsWith("UID ", StringComparison.Ordinal);
        if (request.Arguments.Count != 2 || request.Arguments[0].Kind != ImapTokenKind.Atom || !SequenceSet.TryParse(request.Arguments[0].Text, out var set))
        {
            return Dispatcher.Bad(session, request, "Syntax: FETCH <sequence-set> <items>");
        }

        var raw = request.Arguments[1].Kind == ImapTokenKind.List ? request.Arguments[1].Children!.Select(t => t.Text).ToList() : [request.Arguments[1].Text];
        var items = new List<Item>();
        foreach (var text in ExpandMacros(raw))
        {
            if (!TryParseItem(text, out var item, out var error))
            {
                return Dispatcher.Bad(session, request, error);
            }

            items.Add(item);
        }

        if (byUid && !items.Any(i => i.Name == "UID"))
        {
            items.Insert(0, new Item("UID", string.Empty, true, null, null));
        }

        var selected = (Selected)session.State;
        var maxUid = selected.Messages.Count == 0 ? 0 : selected.Messages[^1].Uid;
        var toMarkSeen = new List<long>();
        for (var i = 0; i < selected.Messages.Count; i++)
        {
            var message = selected.Messages[i];
            var match = byUid ? set.Contains(message.Uid, maxUid) : set.Contains(i + 1, selected.Messages.Count);
            if (!match)
            {
                continue;
            }

            byte[]? blob = null;
            var o = session.Out;
            o.Raw($"* {i + 1} FETCH (");
            var first = true;
            var setsSeen = !selected.ReadOnly && (message.Flags & MessageFlags.Seen) == 0 && items.Any(it => !it.Peek && it.Name is "BODY" or "RFC822" or "RFC822.TEXT");
            if (setsSeen)
            {
                message = message with { Flags = message.Flags | MessageFlags.Seen };
                selected.Messages[i] = message;
                toMarkSeen.Add(message.Uid);
            }

            foreach (var item in items)
            {
                if (!first)
                {
                    o.Raw(" ");
                }

                first = false;
                switch (item.Name)
                {
                    case "UID":
                        o.Raw("UID ").Number(message.Uid);
                        break;
                    case "FLAGS":
                        o.Raw("FLAGS (").Raw(FormatFlags(message.Flags)).Raw(")");
                        break;
                    case "RFC822.SIZE":
                        o.Raw("RFC822.SIZE ").Number(message.Size);
                        break;
                    case "INTERNALDATE":
                        o.Raw("INTERNALDATE \"").Raw(message.InternalDate.ToUniversalTime().ToString("dd-MMM-yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Raw("\"");
                        break;
                    default:
                        blob ??= await session.Services.Blobs.ReadAsync(message.BlobId, cancellationToken).ConfigureAwait(false);
                        WriteBody(o, item, blob);
                        break;
                }
            }

            if (setsSeen && !items.Any(it => it.Name == "FLAGS"))
            {
                o.Raw(" FLAGS (").Raw(FormatFlags(message.Flags)).Raw(")");
            }

            o.Raw(")\r\n");
        }

        if (toMarkSeen.Count > 0)
        {
            await session.Services.Store.AddFlagsAsync(selected.Folder.Id, toMarkSeen, MessageFlags.Seen, cancellationToken).ConfigureAwait(false);
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

    private static IEnumerable<string> ExpandMacros(List<string> raw)
    {
        foreach (var text in raw)
        {
            switch (text.ToUpperInvariant())
            {
                case "FAST":
                    yield return "FLAGS";
                    yield return "INTERNALDATE";
                    yield return "RFC822.SIZE";
                    break;
                default:
                    yield return text;
                    break;
            }
        }
    }

    private static bool TryParseItem(string text, out Item item, out string error)
    {
        item = null!;
        error = string.Empty;
        var upper = text.ToUpperInvariant();
        switch (upper)
        {
            case "UID" or "FLAGS" or "RFC822.SIZE" or "INTERNALDATE":
                item = new Item(upper, string.Empty, true, null, null);
                return true;
            case "RFC822":
                item = new Item("RFC822", string.Empty, false, null, null);
                return true;
            case "RFC822.HEADER":
                item = new Item("RFC822.HEADER", "HEADER", true, null, null);
                return true;
            case "RFC822.TEXT":
                item = new Item("RFC822.TEXT", "TEXT", false, null, null);
                return true;
        }

        var peek = upper.StartsWith("BODY.PEEK[", StringComparison.Ordinal);
        if (!peek && !upper.StartsWith("BODY[", StringComparison.Ordinal))
        {
            error = $"FETCH item {text} is not supported yet (ENVELOPE and BODYSTRUCTURE arrive with the MIME engine)";
            return false;
        }

        var open = upper.IndexOf('[', StringComparison.Ordinal);
        var close = upper.IndexOf(']', StringComparison.Ordinal);
        if (close < open)
        {
            error = $"Malformed FETCH item {text}";
            return false;
        }

        var section = upper[(open + 1)..close];
        if (section is not ("" or "HEADER" or "TEXT"))
        {
            error = $"BODY section [{section}] is not supported yet";
            return false;
        }

        long? start = null, length = null;
        var rest = upper[(close + 1)..];
        if (rest.Length > 0)
        {
            // partial = "<" number "." nz-number ">"
            var dot = rest.IndexOf('.', StringComparison.Ordinal);
            if (rest[0] != '<' || rest[^1] != '>' || dot < 0 ||
                !long.TryParse(rest[1..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ||
                !long.TryParse(rest[(dot + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var l) || l == 0)
            {
                error = $"Malformed partial in {text}";
                return false;
            }

            (start, length) = (s, l);
        }

        item = new Item("BODY", section, peek, start, length);
        return true;
    }

    private static void WriteBody(Protocol.Responses.ImapWriter o, Item item, byte[] blob)
    {
        var bodyStart = HeaderEnd(blob);
        ReadOnlySpan<byte> content = item.Section switch
        {
            "HEADER" => blob.AsSpan(0, bodyStart),
            "TEXT" => blob.AsSpan(bodyStart),
            _ => blob,
        };

        var name = item.Name is "BODY" ? $"BODY[{item.Section}]" : item.Name;
        if (item.PartialStart is { } start)
        {
            name += $"<{start}>";
            var from = (int)Math.Min(start, content.Length);
            var len = (int)Math.Min(item.PartialLength!.Value, content.Length - from);
            content = content.Slice(from, len);
        }

        o.Raw(name).Raw(" ").Literal(content);
    }

    /// <summary>Offset just after the blank line that ends the header block (or the whole message when none).</summary>
    private static int HeaderEnd(byte[] blob)
    {
        var crlf = blob.AsSpan().IndexOf("\r\n\r\n"u8);
        var lf = blob.AsSpan().IndexOf("\n\n"u8);
        if (crlf >= 0 && (lf < 0 || crlf < lf))
        {
            return crlf + 4;
        }

        return lf >= 0 ? lf + 2 : blob.Length;
    }
}
