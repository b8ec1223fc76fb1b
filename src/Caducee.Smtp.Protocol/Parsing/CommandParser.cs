// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Commands;

namespace Caducee.Smtp.Protocol.Parsing;

/// <summary>
/// Parses one SMTP command line (without CRLF) into a command record. Dispatches on the verb (STYLE.md
/// §4.4), never tries every grammar in turn. Never throws: bad input becomes an
/// <see cref="InvalidCommand"/> carrying the reply to send.
/// </summary>
public static class CommandParser
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses <paramref name="line"/>.</summary>
    public static SmtpCommand Parse(ReadOnlySpan<byte> line)
    {
        string text;
        try
        {
            text = s_strictUtf8.GetString(line);
        }
        catch (DecoderFallbackException)
        {
            return IsBdat(line) ? BdatSyntaxError() : Invalid(500, "5.5.2", "Command line is not valid UTF-8");
        }

        if (text.AsSpan().ContainsAny('\0', '\r'))
        {
            return IsBdat(line) ? BdatSyntaxError() : Invalid(500, "5.5.2", "Command line contains NUL or a bare CR");
        }

        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var verb = space < 0 ? text : text[..space];
        var args = space < 0 ? string.Empty : text[(space + 1)..];

        return verb.ToUpperInvariant() switch
        {
            "EHLO" => ParseHelo(args, extended: true),
            "HELO" => ParseHelo(args, extended: false),
            "MAIL" => ParseMail(args),
            "RCPT" => ParseRcpt(args),
            "DATA" => NoArgs(args, new DataCommand()),
            "BDAT" => ParseBdat(args),
            "RSET" => NoArgs(args, new RsetCommand()),
            "NOOP" => new NoopCommand(), // RFC 5321 §4.1.1.9: a parameter may be given and is ignored.
            "QUIT" => NoArgs(args, new QuitCommand()),
            "STARTTLS" => NoArgs(args, new StartTlsCommand()),
            "AUTH" => ParseAuth(args),
            "VRFY" => new VrfyCommand(args),
            "HELP" => new HelpCommand(),
            "" => Invalid(500, "5.5.2", "Empty command line"),
            _ => Invalid(500, "5.5.2", "Command unrecognized"),
        };
    }

    // ehlo = "EHLO" SP ( Domain / address-literal ) CRLF
    private static SmtpCommand ParseHelo(string args, bool extended)
    {
        var domain = args.Trim();
        if (domain.Length == 0)
        {
            return Invalid(501, "5.5.4", extended ? "EHLO requires a domain or address literal" : "HELO requires a domain");
        }

        // Take the first word; some clients add text after the domain (tolerated, as Postfix does).
        var sp = domain.IndexOf(' ', StringComparison.Ordinal);
        if (sp > 0)
        {
            domain = domain[..sp];
        }

        return new HeloCommand(domain, extended);
    }

    // mail = "MAIL FROM:" Reverse-path [SP Mail-parameters] CRLF
    private static SmtpCommand ParseMail(string args)
    {
        if (!args.StartsWith("FROM:", StringComparison.OrdinalIgnoreCase))
        {
            return Invalid(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]");
        }

        if (!TryParsePath(args.AsSpan(5), allowNull: true, out var address, out var rest, out var pathError))
        {
            return Invalid(501, "5.1.7", $"Bad sender address syntax: {pathError}");
        }

        long? size = null;
        var body = BodyType.SevenBit;
        var utf8 = false;
        var ret = DsnReturn.Unspecified;
        string? envid = null;
        string? auth = null;
        foreach (var (key, value) in Parameters(rest))
        {
            switch (key)
            {
                case "SIZE":
                    if (value is null || !long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s))
                    {
                        return Invalid(501, "5.5.4", "SIZE requires a decimal number");
                    }

                    size = s;
                    break;
                case "BODY":
                    switch (value?.ToUpperInvariant())
                    {
                        case "7BIT": body = BodyType.SevenBit; break;
                        case "8BITMIME": body = BodyType.EightBitMime; break;
                        case "BINARYMIME": body = BodyType.BinaryMime; break;
                        default: return Invalid(501, "5.5.4", "BODY must be 7BIT, 8BITMIME or BINARYMIME");
                    }

                    break;
                case "SMTPUTF8":
                    if (value is not null)
                    {
                        return Invalid(501, "5.5.4", "SMTPUTF8 takes no value");
                    }

                    utf8 = true;
                    break;
                case "RET":
                    switch (value?.ToUpperInvariant())
                    {
                        case "FULL": ret = DsnReturn.Full; break;
                        case "HDRS": ret = DsnReturn.Headers; break;
                        default: return Invalid(501, "5.5.4", "RET must be FULL or HDRS");
                    }

                    break;
                case "ENVID":
                    if (value is null || value.Length > 100 || !Xtext.TryDecode(value, out envid))
                    {
                        return Invalid(501, "5.5.4", "ENVID must be xtext of at most 100 characters");
                    }

                    break;
                case "AUTH":
                    auth = value;
                    break;
                case "":
                    return Invalid(501, "5.5.4", "Malformed parameter");
                default:
                    return Invalid(555, "5.5.4", $"Unsupported MAIL parameter {key}");
            }
        }

        if (address is not null && address.IsInternational && !utf8)
        {
            return Invalid(553, "5.6.7", "Non-ASCII sender address requires the SMTPUTF8 parameter");
        }

        return new MailCommand(address, size, body, utf8, ret, envid, auth);
    }

    // rcpt = "RCPT TO:" ( "<Postmaster@" Domain ">" / "<Postmaster>" / Forward-path ) [SP Rcpt-parameters] CRLF
    private static SmtpCommand ParseRcpt(string args)
    {
        if (!args.StartsWith("TO:", StringComparison.OrdinalIgnoreCase))
        {
            return Invalid(501, "5.5.4", "Syntax: RCPT TO:<address> [parameters]");
        }

        if (!TryParsePath(args.AsSpan(3), allowNull: false, out var address, out var rest, out var pathError) || address is null)
        {
            return Invalid(501, "5.1.3", $"Bad recipient address syntax: {pathError}");
        }

        var notify = DsnNotify.Unspecified;
        string? orcpt = null;
        foreach (var (key, value) in Parameters(rest))
        {
            switch (key)
            {
                case "NOTIFY":
                    if (value is null || !TryParseNotify(value, out notify))
                    {
                        return Invalid(501, "5.5.4", "NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY");
                    }

                    break;
                case "ORCPT":
                    // ORCPT=addr-type ";" xtext (RFC 3461 §4.2)
                    var semi = value?.IndexOf(';', StringComparison.Ordinal) ?? -1;
                    if (value is null || semi <= 0 || !Xtext.TryDecode(value[(semi + 1)..], out var decoded))
                    {
                        return Invalid(501, "5.5.4", "ORCPT must be addr-type;xtext");
                    }

                    orcpt = $"{value[..semi]};{decoded}";
                    break;
                case "":
                    return Invalid(501, "5.5.4", "Malformed parameter");
                default:
                    return Invalid(555, "5.5.4", $"Unsupported RCPT parameter {key}");
            }
        }

        return new RcptCommand(address, notify, orcpt);
    }

    // bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ] CRLF ; chunk-size = 1*DIGIT ; end-marker = "LAST" (RFC 3030 §2)
    private static SmtpCommand ParseBdat(string args)
    {
        var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2 ||
            !long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size) ||
            (parts.Length == 2 && !parts[1].Equals("LAST", StringComparison.OrdinalIgnoreCase)))
        {
            return BdatSyntaxError();
        }

        return new BdatCommand(size, parts.Length == 2);
    }

    // The chunk that follows a BDAT cannot be skipped without its size: whatever comes next could be taken
    // for commands. Refuse and close (as Exim does on a synchronization error).
    private static InvalidCommand BdatSyntaxError() => new(
        new SmtpReply(554, "5.5.4", "Syntax: BDAT <size> [LAST]; the chunk that follows cannot be skipped, closing connection"),
        LosesSynchronization: true);

    private static bool IsBdat(ReadOnlySpan<byte> line) =>
        line.Length >= 5 && Ascii.EqualsIgnoreCase(line[..5], "BDAT "u8);

    private static SmtpCommand ParseAuth(string args)
    {
        var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2)
        {
            return Invalid(501, "5.5.4", "Syntax: AUTH <mechanism> [initial-response]");
        }

        return new AuthCommand(parts[0].ToUpperInvariant(), parts.Length == 2 ? parts[1] : null);
    }

    private static SmtpCommand NoArgs(string args, SmtpCommand command) =>
        args.Trim().Length == 0 ? command : Invalid(501, "5.5.4", $"{command.Verb.ToString().ToUpperInvariant()} takes no parameters");

    private static bool TryParseNotify(string value, out DsnNotify notify)
    {
        notify = DsnNotify.Unspecified;
        foreach (var item in value.Split(','))
        {
            var flag = item.ToUpperInvariant() switch
            {
                "NEVER" => DsnNotify.Never,
                "SUCCESS" => DsnNotify.Success,
                "FAILURE" => DsnNotify.Failure,
                "DELAY" => DsnNotify.Delay,
                _ => (DsnNotify)(-1),
            };
            if ((int)flag < 0 || (notify & flag) != 0)
            {
                return false;
            }

            notify |= flag;
        }

        // NEVER must stand alone.
        return (notify & DsnNotify.Never) == 0 || notify == DsnNotify.Never;
    }

    /// <summary>
    /// Path = "&lt;" [ A-d-l ":" ] Mailbox "&gt;" (RFC 5321 §4.1.2). Tolerates one space after the colon
    /// ("MAIL FROM: &lt;a@b&gt;"), as common clients send it; ignores source routes (§4.1.1.3).
    /// </summary>
    private static bool TryParsePath(ReadOnlySpan<char> text, bool allowNull, out MailAddress? address, out string rest, out string error)
    {
        address = null;
        rest = string.Empty;
        text = text.TrimStart(' ');
        if (text.Length == 0 || text[0] != '<')
        {
            error = "address must be enclosed in <>";
            return false;
        }

        var inQuote = false;
        var close = -1;
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuote && c == '\\')
            {
                i++;
                continue;
            }

            if (c == '"')
            {
                inQuote = !inQuote;
            }
            else if (c == '>' && !inQuote)
            {
                close = i;
                break;
            }
        }

        if (close < 0)
        {
            error = "missing closing >";
            return false;
        }

        var inner = text[1..close];
        rest = text[(close + 1)..].ToString();
        if (rest.Length > 0 && rest[0] != ' ')
        {
            error = "unexpected text after >";
            return false;
        }

        if (inner.Length == 0)
        {
            error = "the null path <> is not allowed here";
            return allowNull;
        }

        if (inner[0] == '@')
        {
            var colon = inner.IndexOf(':');
            if (colon < 0)
            {
                error = "malformed source route";
                return false;
            }

            inner = inner[(colon + 1)..];
        }

        if (!MailAddress.TryParse(inner.ToString(), out address, out var parseError))
        {
            error = parseError;
            return false;
        }

        error = string.Empty;
        return true;
    }

    private static IEnumerable<(string Key, string? Value)> Parameters(string rest)
    {
        foreach (var item in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            yield return eq < 0 ? (item.ToUpperInvariant(), null) : (item[..eq].ToUpperInvariant(), item[(eq + 1)..]);
        }
    }

    private static InvalidCommand Invalid(int code, string enhanced, string text) => new(new SmtpReply(code, enhanced, text));
}
