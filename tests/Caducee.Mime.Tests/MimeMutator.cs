// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Mime.Imap;

namespace Caducee.Mime.Testing;

/// <summary>
/// Fuzzing support: mutations of corpus messages (byte flips, deletions, MIME punctuation, duplicated slices,
/// truncation, injected MIME structure), and a run of every view over a parsed message. One source file compiled into both the fast fuzz test
/// (tests/Caducee.Mime.Tests) and the long fuzz run (bench/Caducee.Mime.Benchmarks).
/// </summary>
internal static class MimeMutator
{
    public static byte[] Mutate(byte[] seed, Random rnd)
    {
        var b = new List<byte>(seed);
        int n = rnd.Next(1, 8);
        ReadOnlySpan<byte> tokens = "-\r\n:;=?\"\\()<>@,. \t*%'"u8;
        for (int k = 0; k < n; k++)
        {
            int pos = b.Count == 0 ? 0 : rnd.Next(b.Count);
            switch (rnd.Next(7))
            {
                case 0 when b.Count > 0:
                    b[pos] = (byte)rnd.Next(256);
                    break;
                case 1 when b.Count > 0:
                    b.RemoveRange(pos, Math.Min(rnd.Next(1, 64), b.Count - pos));
                    break;
                case 2:
                    b.Insert(pos, tokens[rnd.Next(tokens.Length)]);
                    break;
                case 3 when b.Count > 0:
                    int len = Math.Min(rnd.Next(1, 256), b.Count - pos);
                    b.InsertRange(rnd.Next(b.Count), b.GetRange(pos, len));
                    break;
                case 4:
                    b.InsertRange(pos, "\r\n--"u8.ToArray());
                    break;
                case 5 when b.Count > 0:
                    b.RemoveRange(pos, b.Count - pos); // truncate
                    break;
                default:
                    b.InsertRange(pos, Encoding.ASCII.GetBytes(rnd.Next(6) switch
                    {
                        0 => "Content-Type: multipart/mixed; boundary=x\r\n",
                        1 => "=?utf-8?q?=C3",
                        2 => "Content-Type: message/rfc822\r\n\r\n",
                        3 => "; name*0*=utf-8''%C3; name*1*=%A9",
                        4 => "Content-Transfer-Encoding: base64\r\n",
                        _ => "\r\n\r\n",
                    }));
                    break;
            }
        }

        return [.. b];
    }

    private static readonly string[] s_specs = ["1", "1.MIME", "2.1", "HEADER.FIELDS (SUBJECT FROM)", "TEXT", "1.HEADER", "2"];

    /// <summary>
    /// Parses <paramref name="input"/> and runs every view on it (filenames, decoded text, subject/from/to/date,
    /// ENVELOPE, BODYSTRUCTURE, BODY[] and BODY/BINARY of several sections with a partial). Returns false
    /// when a part's offsets are inconsistent; exceptions escape to the caller.
    /// </summary>
    public static bool ExerciseAllViews(byte[] input, MimeParserOptions? options = null)
    {
        var offsetsOk = true;
        MimeMessage m = MimeParser.Parse(input, options);
        foreach (MimePart p in m.Root.DescendantsAndSelf())
        {
            offsetsOk &= p.HeaderStart <= p.HeaderEnd && p.HeaderEnd <= p.BodyStart && p.BodyStart <= p.BodyEnd && p.BodyEnd <= input.Length;
            _ = p.FileName;
            if (!p.IsMultipart && p.Message is null)
            {
                _ = MimeContent.GetText(p);
            }
        }

        _ = m.Subject;
        _ = m.From;
        _ = m.To;
        _ = m.Date;
        _ = ImapEnvelope.Build(m);
        _ = ImapBodyStructure.Build(m);
        _ = ImapFetch.GetBody(m, ImapSection.Whole);
        foreach (string spec in s_specs)
        {
            if (!ImapSection.TryParse(spec, "<1.7>", out ImapSection s))
            {
                throw new InvalidOperationException($"section spec {spec} does not parse");
            }

            _ = ImapFetch.GetBody(m, s);
            _ = ImapFetch.GetBinary(m, s);
        }

        return offsetsOk;
    }
}
