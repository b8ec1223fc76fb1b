// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;

namespace Caducee.Mime.Testing;

/// <summary>
/// Mutations of corpus messages for fuzzing: byte flips, deletions, MIME punctuation, duplicated slices,
/// truncation and injected MIME structure. One source file compiled into both the fast fuzz test
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
}
