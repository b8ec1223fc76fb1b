// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Caducee.Imap.Protocol.Commands.Parsing;
using Caducee.Imap.Protocol.Receiver;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>Parses FETCH and UID FETCH, and section specs.</summary>
internal static class FetchParser
{
    /// <summary>Deepest part path accepted (1.2.3…).</summary>
    public const int MaxPartDepth = 64;

    private static readonly FetchItem s_flags = new(FetchItemKind.Flags);
    private static readonly FetchItem s_internalDate = new(FetchItemKind.InternalDate);
    private static readonly FetchItem s_size = new(FetchItemKind.Rfc822Size);
    private static readonly FetchItem s_envelope = new(FetchItemKind.Envelope);
    private static readonly FetchItem s_body = new(FetchItemKind.Body);
    private static readonly FetchItem s_uid = new(FetchItemKind.Uid);
    private static readonly FetchItem s_modSeq = new(FetchItemKind.ModSeq);

    // fetch = "FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")") [fetch-modifiers]
    // fetch-modifiers = SP "(" fetch-modifier *(SP fetch-modifier) ")" ; fetch-modifier = "CHANGEDSINCE" SP mod-sequence-value / "VANISHED"
    public static ImapParseResult Parse(ArgumentReader r, bool uid)
    {
        if (!r.TrySequenceSet(uid ? "UID set" : "sequence set", out var set) || !r.TryNext("data items", out var itemsToken))
        {
            return r.Error;
        }

        var items = new List<FetchItem>();
        if (itemsToken.Kind == ImapTokenKind.List)
        {
            var list = r.Sub(itemsToken);
            if (list.AtEnd)
            {
                r.Fail("the data item list is empty");
                return r.Error;
            }

            while (!list.AtEnd)
            {
                if (items.Count >= r.Options.MaxItems)
                {
                    r.Fail($"too many data items (limit {r.Options.MaxItems})");
                    return r.Error;
                }

                if (!TryItem(list, list.Take(), items, macros: false))
                {
                    return r.Error;
                }
            }
        }
        else if (!TryItem(r, itemsToken, items, macros: true))
        {
            return r.Error;
        }

        long? changedSince = null;
        var vanished = false;
        if (!r.AtEnd)
        {
            if (!r.TryList("FETCH modifiers", out var modifiers))
            {
                return r.Error;
            }

            while (!modifiers.AtEnd)
            {
                if (modifiers.TryKeyword("CHANGEDSINCE"))
                {
                    if (!modifiers.TryNumber64("CHANGEDSINCE mod-sequence", out var modSeq))
                    {
                        return r.Error;
                    }

                    if (modSeq == 0)
                    {
                        modifiers.Fail("CHANGEDSINCE must be at least 1");
                        return r.Error;
                    }

                    changedSince = modSeq;
                }
                else if (modifiers.TryKeyword("VANISHED"))
                {
                    vanished = true;
                }
                else
                {
                    modifiers.Fail($"unknown FETCH modifier {modifiers.Describe(modifiers.Peek()!)} (expected CHANGEDSINCE or VANISHED)");
                    return r.Error;
                }
            }
        }

        // RFC 7162 §3.2.6: VANISHED only with UID FETCH and CHANGEDSINCE.
        if (vanished && (!uid || changedSince is null))
        {
            r.Fail("VANISHED needs UID FETCH and CHANGEDSINCE");
            return r.Error;
        }

        if (!r.TryEnd())
        {
            return r.Error;
        }

        // RFC 9051 §6.4.9: UID FETCH answers with UID; RFC 7162 §3.1.4.1: CHANGEDSINCE answers with MODSEQ.
        if (uid && !items.Exists(i => i.Kind == FetchItemKind.Uid))
        {
            items.Add(s_uid);
        }

        if (changedSince is not null && !items.Exists(i => i.Kind == FetchItemKind.ModSeq))
        {
            items.Add(s_modSeq);
        }

        return new FetchCommand(uid, set, items, changedSince, vanished) { Tag = r.Tag };
    }

    private static bool TryItem(ArgumentReader r, ImapToken token, List<FetchItem> items, bool macros)
    {
        if (token.Kind != ImapTokenKind.Atom)
        {
            return r.Fail($"expected a data item, got {r.Describe(token)}");
        }

        var text = token.Text;
        var bracket = text.IndexOf('[', StringComparison.Ordinal);
        var name = (bracket < 0 ? text : text[..bracket]).ToUpperInvariant();
        if (bracket < 0)
        {
            switch (name)
            {
                case "ALL" when macros:
                    return Add(items, s_flags, s_internalDate, s_size, s_envelope);
                case "FAST" when macros:
                    return Add(items, s_flags, s_internalDate, s_size);
                case "FULL" when macros:
                    return Add(items, s_flags, s_internalDate, s_size, s_envelope, s_body);
                case "ALL" or "FAST" or "FULL":
                    return r.Fail($"the macro {name} cannot be inside a list");
                case "ENVELOPE": return Add(items, s_envelope);
                case "FLAGS": return Add(items, s_flags);
                case "INTERNALDATE": return Add(items, s_internalDate);
                case "RFC822": return Add(items, new FetchItem(FetchItemKind.Rfc822));
                case "RFC822.HEADER": return Add(items, new FetchItem(FetchItemKind.Rfc822Header));
                case "RFC822.SIZE": return Add(items, s_size);
                case "RFC822.TEXT": return Add(items, new FetchItem(FetchItemKind.Rfc822Text));
                case "BODY": return Add(items, s_body);
                case "BODYSTRUCTURE": return Add(items, new FetchItem(FetchItemKind.BodyStructure));
                case "UID": return Add(items, s_uid);
                case "MODSEQ": return Add(items, s_modSeq);
                case "SAVEDATE": return Add(items, new FetchItem(FetchItemKind.SaveDate));
                case "BODY.PEEK" or "BINARY" or "BINARY.PEEK" or "BINARY.SIZE":
                    return r.Fail($"{name} needs a section in brackets, e.g. {name}[]");
                default:
                    return r.Fail($"unknown data item '{(text.Length > 40 ? text[..40] : text)}'");
            }
        }

        var close = text.LastIndexOf(']');
        if (close < bracket || name is not ("BODY" or "BODY.PEEK" or "BINARY" or "BINARY.PEEK" or "BINARY.SIZE"))
        {
            return r.Fail($"unknown data item '{(text.Length > 40 ? text[..40] : text)}'");
        }

        var suffix = text[(close + 1)..];
        var inner = text[(bracket + 1)..close];
        FetchPartial? partial = null;
        if (suffix.Length > 0 && !TryPartial(suffix, out partial))
        {
            return r.Fail($"invalid partial '{suffix}' (expected <start.length>)");
        }

        switch (name)
        {
            case "BODY":
            case "BODY.PEEK":
                if (!TryParseSection(inner, binary: false, out var section, out var error))
                {
                    return r.Fail($"invalid section [{inner}]: {error}");
                }

                return Add(items, new FetchItem(FetchItemKind.BodySection, section, partial, name == "BODY.PEEK"));
            case "BINARY":
            case "BINARY.PEEK":
            case "BINARY.SIZE":
                if (!TryParseSection(inner, binary: true, out var part, out var binaryError))
                {
                    return r.Fail($"invalid section [{inner}]: {binaryError}");
                }

                if (name == "BINARY.SIZE")
                {
                    return partial is null
                        ? Add(items, new FetchItem(FetchItemKind.BinarySize, part))
                        : r.Fail("BINARY.SIZE takes no partial");
                }

                return Add(items, new FetchItem(FetchItemKind.BinarySection, part, partial, name == "BINARY.PEEK"));
            default:
                return r.Fail($"unknown data item '{(text.Length > 40 ? text[..40] : text)}'");
        }
    }

    private static bool Add(List<FetchItem> items, params FetchItem[] add)
    {
        foreach (var item in add)
        {
            if (!items.Contains(item))
            {
                items.Add(item);
            }
        }

        return true;
    }

    // partial = "<" number64 "." nz-number64 ">" ; "<" number64 ">" tolerated
    private static bool TryPartial(string text, out FetchPartial? partial)
    {
        partial = null;
        if (text.Length < 3 || text[0] != '<' || text[^1] != '>')
        {
            return false;
        }

        var body = text.AsSpan(1, text.Length - 2);
        var dot = body.IndexOf('.');
        var startText = dot < 0 ? body : body[..dot];
        if (!long.TryParse(startText, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }

        long? length = null;
        if (dot >= 0)
        {
            if (!long.TryParse(body[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var l) || l == 0)
            {
                return false;
            }

            length = l;
        }

        partial = new FetchPartial(start, length);
        return true;
    }

    /// <summary>
    /// Parses the text between the brackets. section-spec = section-msgtext / (section-part ["." section-text]);
    /// section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"; section-text = section-msgtext / "MIME";
    /// section-binary = [section-part].
    /// </summary>
    public static bool TryParseSection(string text, bool binary, out SectionSpec section, out string error)
    {
        section = SectionSpec.Whole;
        error = string.Empty;
        var parts = new List<int>();
        var pos = 0;
        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            var start = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }

            if (text[start] == '0' || !int.TryParse(text.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                error = "part numbers start at 1";
                return false;
            }

            if (parts.Count >= MaxPartDepth)
            {
                error = $"part path too deep (limit {MaxPartDepth})";
                return false;
            }

            parts.Add(n);
            if (pos < text.Length && text[pos] == '.')
            {
                pos++;
                if (pos == text.Length)
                {
                    error = "trailing '.'";
                    return false;
                }

                if (!char.IsAsciiDigit(text[pos]))
                {
                    break;
                }
            }
            else
            {
                break;
            }
        }

        var rest = text[pos..];
        if (binary)
        {
            if (rest.Length > 0)
            {
                error = "BINARY sections are part numbers only";
                return false;
            }

            section = new SectionSpec(parts, SectionText.None, []);
            return true;
        }

        if (rest.Length == 0)
        {
            if (pos > 0 && text[^1] == '.')
            {
                error = "trailing '.'";
                return false;
            }

            section = new SectionSpec(parts, SectionText.None, []);
            return true;
        }

        var upper = rest.ToUpperInvariant();
        var fields = new List<string>();
        SectionText kind;
        if (upper == "HEADER")
        {
            kind = SectionText.Header;
        }
        else if (upper == "TEXT")
        {
            kind = SectionText.Text;
        }
        else if (upper == "MIME")
        {
            if (parts.Count == 0)
            {
                error = "MIME needs a part number";
                return false;
            }

            kind = SectionText.Mime;
        }
        else if (upper.StartsWith("HEADER.FIELDS", StringComparison.Ordinal))
        {
            var after = rest["HEADER.FIELDS".Length..];
            kind = SectionText.HeaderFields;
            if (after.StartsWith(".NOT", StringComparison.OrdinalIgnoreCase))
            {
                kind = SectionText.HeaderFieldsNot;
                after = after[4..];
            }

            if (!TryHeaderList(after, fields, out error))
            {
                return false;
            }
        }
        else
        {
            error = $"unknown section text '{(rest.Length > 30 ? rest[..30] : rest)}' (expected HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT or MIME)";
            return false;
        }

        section = new SectionSpec(parts, kind, fields);
        return true;
    }

    // SP header-list ; header-list = "(" header-fld-name *(SP header-fld-name) ")" ; header-fld-name = astring
    private static bool TryHeaderList(string text, List<string> fields, out string error)
    {
        error = string.Empty;
        if (text.Length < 3 || text[0] != ' ' || text[1] != '(' || text[^1] != ')')
        {
            error = "HEADER.FIELDS needs a list of header names, e.g. HEADER.FIELDS (FROM TO)";
            return false;
        }

        var body = text[2..^1];
        var i = 0;
        while (i < body.Length)
        {
            if (body[i] == ' ')
            {
                i++;
                continue;
            }

            string name;
            if (body[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (i < body.Length && body[i] != '"')
                {
                    if (body[i] == '\\' && i + 1 < body.Length)
                    {
                        i++;
                    }

                    sb.Append(body[i++]);
                }

                if (i >= body.Length)
                {
                    error = "unterminated quoted header name";
                    return false;
                }

                i++;
                name = sb.ToString();
            }
            else
            {
                var start = i;
                while (i < body.Length && body[i] != ' ')
                {
                    if (body[i] is '(' or ')' or '"')
                    {
                        error = "invalid character in a header name";
                        return false;
                    }

                    i++;
                }

                name = body[start..i];
            }

            // field-name = 1*<printable US-ASCII except ":"> (RFC 5322 §3.6.8)
            if (name.Length == 0 || name.Any(c => c is <= ' ' or >= (char)127 or ':'))
            {
                error = "invalid header name";
                return false;
            }

            if (fields.Count >= 1000)
            {
                error = "too many header names";
                return false;
            }

            fields.Add(name);
        }

        if (fields.Count == 0)
        {
            error = "the header name list is empty";
            return false;
        }

        return true;
    }
}
