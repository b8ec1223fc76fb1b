// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Text;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Parsing;

namespace Caducee.Smtp.Protocol.Replies;

/// <summary>
/// Parses server replies for the outbound client (RFC 5321 §4.2): "xyz-text" continuation lines and a
/// final "xyz text" line; recognises an RFC 3463 enhanced code at the start of the text.
/// </summary>
public static class ReplyParser
{
    /// <summary>Maximum length of one reply line; RFC 5321 §4.5.3.1.5 sets 512, servers exceed it.</summary>
    public const int MaxLineLength = 4096;

    /// <summary>Maximum lines in one reply (bounds memory when a peer never ends its reply).</summary>
    public const int MaxLines = 100;

    /// <summary>
    /// Tries to read one complete reply from <paramref name="buffer"/>, advancing it on success.
    /// Returns false when more data is needed. <paramref name="error"/> is set for malformed input.
    /// </summary>
    public static bool TryParse(ref ReadOnlySequence<byte> buffer, out SmtpReply? reply, out string? error)
    {
        reply = null;
        error = null;
        var work = buffer;
        var lines = new List<string>();
        var code = -1;
        string? enhanced = null;
        while (true)
        {
            var status = LineReader.TryReadLine(ref work, MaxLineLength, out var lineSeq);
            if (status == LineStatus.NeedMoreData)
            {
                return false;
            }

            if (status == LineStatus.TooLong || lines.Count >= MaxLines)
            {
                error = "reply line or reply too long";
                return false;
            }

            var line = Encoding.UTF8.GetString(lineSeq);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var lineCode) ||
                (line.Length > 3 && line[3] != ' ' && line[3] != '-'))
            {
                error = "malformed reply line";
                return false;
            }

            if (code >= 0 && lineCode != code)
            {
                error = "reply code changed within a multi-line reply";
                return false;
            }

            code = lineCode;
            var text = line.Length > 4 ? line[4..] : string.Empty;
            var (enh, rest) = SplitEnhanced(text, code);
            enhanced ??= enh;
            lines.Add(enh is null ? text : rest);
            if (line.Length == 3 || line[3] == ' ')
            {
                buffer = work;
                reply = new SmtpReply(code, enhanced, lines);
                return true;
            }
        }
    }

    private static (string? Enhanced, string Remainder) SplitEnhanced(string text, int code)
    {
        // status-code = class "." subject "." detail, where class matches the reply's first digit.
        var sp = text.IndexOf(' ', StringComparison.Ordinal);
        var candidate = sp < 0 ? text : text[..sp];
        var parts = candidate.Split('.');
        if (parts.Length == 3 && parts[0].Length == 1 && parts[0][0] == (char)('0' + (code / 100)) &&
            parts[1].Length is >= 1 and <= 3 && parts[2].Length is >= 1 and <= 3 &&
            parts[1].All(char.IsAsciiDigit) && parts[2].All(char.IsAsciiDigit))
        {
            return (candidate, sp < 0 ? string.Empty : text[(sp + 1)..]);
        }

        return (null, text);
    }
}
