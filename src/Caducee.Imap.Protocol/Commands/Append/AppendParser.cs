// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;
using Caducee.Imap.Protocol.Receiver;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>Parses APPEND (RFC 9051 §6.3.12, RFC 3502 MULTIAPPEND, RFC 3516 BINARY, RFC 6855 UTF8).</summary>
internal static class AppendParser
{
    // append = "APPEND" SP mailbox 1*append-message
    // append-message = [SP flag-list] [SP date-time] SP append-data
    // append-data = literal / literal8 / "UTF8" SP "(" literal8 ")"
    public static ImapParseResult Parse(ArgumentReader r)
    {
        if (!r.TryMailbox("mailbox name", out var mailbox))
        {
            return r.Error;
        }

        var messages = new List<AppendMessage>();
        do
        {
            var flags = FlagList.Empty;
            DateTimeOffset? date = null;
            if (r.Peek() is { Kind: ImapTokenKind.List } && !r.TryFlagList("flag list", out flags))
            {
                return r.Error;
            }

            if (r.Peek() is { Kind: ImapTokenKind.Quoted })
            {
                if (!r.TryDateTime("internal date", out var d))
                {
                    return r.Error;
                }

                date = d;
            }

            if ((flags.System & ImapSystemFlags.Recent) != 0)
            {
                r.Fail("\\Recent cannot be set by a client");
                return r.Error;
            }

            var utf8 = false;
            ImapToken data;
            if (r.TryKeyword("UTF8"))
            {
                // RFC 6855 §4: UTF8 (literal8)
                utf8 = true;
                if (!r.TryList("UTF8 data", out var inner) || !inner.TryNext("message literal", out data) || !inner.TryEnd())
                {
                    return r.Error;
                }
            }
            else if (!r.TryNext("message literal", out data))
            {
                return r.Error;
            }

            if (data.Kind != ImapTokenKind.Literal)
            {
                r.Fail($"the message must be a literal ({{n}}, {{n+}} or ~{{n}}), got {r.Describe(data)}");
                return r.Error;
            }

            // RFC 9051 §4.3: NUL is not allowed in a literal, only in a literal8.
            if (!data.IsLiteral8 && data.Sink is null && data.Data.Span.Contains((byte)0))
            {
                r.Fail("the message contains NUL octets; send it as a literal8 (~{n}) if the server advertises BINARY");
                return r.Error;
            }

            if (messages.Count >= r.Options.MaxItems)
            {
                r.Fail($"too many messages in one APPEND (limit {r.Options.MaxItems})");
                return r.Error;
            }

            messages.Add(new AppendMessage(flags, date, data.Data, data.IsLiteral8, utf8)
            {
                Sink = data.Sink,
                Size = data.Sink is null ? data.Data.Length : data.SinkLength,
            });
        }
        while (!r.AtEnd);

        return new AppendCommand(mailbox, messages) { Tag = r.Tag };
    }
}
