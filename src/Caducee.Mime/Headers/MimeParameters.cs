// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections;
using System.Globalization;
using System.Text;

namespace Caducee.Mime;

/// <summary>One decoded MIME parameter (RFC 2045 §5.1, with RFC 2231 continuations and charsets merged).</summary>
public readonly record struct MimeParameter(string Name, string Value, string? Charset = null, string? Language = null);

/// <summary>The parameters of a Content-Type or Content-Disposition, in order, names lower-cased.</summary>
public sealed class MimeParameterList : IReadOnlyList<MimeParameter>
{
    internal static readonly MimeParameterList s_empty = new([]);
    private readonly MimeParameter[] _items;

    internal MimeParameterList(MimeParameter[] items) => _items = items;

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <inheritdoc/>
    public MimeParameter this[int index] => _items[index];

    /// <summary>The value of the first parameter with this name (case-insensitive), or null.</summary>
    public string? Get(string name)
    {
        foreach (MimeParameter p in _items)
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public IEnumerator<MimeParameter> GetEnumerator() => ((IEnumerable<MimeParameter>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();
}

/// <summary>Parses "; name=value" lists leniently: comments skipped, unquoted values with spaces accepted, RFC 2231 and stray RFC 2047 decoded.</summary>
internal static class ParameterParser
{
    private const int MaxParameters = 256;
    private const int MaxSections = 1024;

    private readonly record struct Raw(string Name, int Section, bool Extended, string Value);

    // parameter = attribute "=" value ; RFC 2231: attribute ["*" section] ["*"]
    public static MimeParameterList Parse(string s, int pos)
    {
        List<Raw>? raws = null;
        while (pos < s.Length)
        {
            pos = Tokens.SkipCfws(s, pos);
            if (pos < s.Length && s[pos] == ';')
            {
                pos++;
                continue;
            }

            if (pos >= s.Length)
            {
                break;
            }

            int nameStart = pos;
            while (pos < s.Length && s[pos] is not ('=' or ';') && !char.IsWhiteSpace(s[pos]) && s[pos] != '(')
            {
                pos++;
            }

            string name = s[nameStart..pos];
            pos = Tokens.SkipCfws(s, pos);
            if (pos >= s.Length || s[pos] != '=')
            {
                // No value: skip to the next ';'.
                int semi = s.IndexOf(';', pos);
                pos = semi < 0 ? s.Length : semi;
                continue;
            }

            pos = Tokens.SkipCfws(s, pos + 1);
            string value;
            bool quoted = pos < s.Length && s[pos] == '"';
            if (quoted)
            {
                value = Tokens.ReadQuoted(s, ref pos);
            }
            else
            {
                int vs = pos;
                while (pos < s.Length && s[pos] != ';')
                {
                    pos++;
                }

                value = s[vs..pos].TrimEnd();
                // A trailing comment after an unquoted value: "us-ascii (Plain text)".
                int paren = value.IndexOf(" (", StringComparison.Ordinal);
                if (paren > 0 && value.EndsWith(')'))
                {
                    value = value[..paren].TrimEnd();
                }
            }

            if (name.Length == 0)
            {
                continue;
            }

            raws ??= [];
            if (raws.Count < MaxParameters)
            {
                raws.Add(Split(name, value));
            }
        }

        if (raws is null)
        {
            return MimeParameterList.s_empty;
        }

        return new MimeParameterList(Merge(raws));
    }

    private static Raw Split(string name, string value)
    {
        int star = name.IndexOf('*', StringComparison.Ordinal);
        if (star < 0)
        {
            return new Raw(Lower(name), -1, false, value);
        }

        string baseName = Lower(name[..star]);
        ReadOnlySpan<char> rest = name.AsSpan(star + 1);
        bool extended = false;
        if (rest.Length > 0 && rest[^1] == '*')
        {
            extended = true;
            rest = rest[..^1];
        }
        else if (rest.Length == 0)
        {
            extended = true;
        }

        if (rest.Length == 0)
        {
            return new Raw(baseName, -1, extended, value);
        }

        if (int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out int section) && section < MaxSections)
        {
            return new Raw(baseName, section, extended, value);
        }

        return new Raw(Lower(name), -1, false, value);
    }

    private static MimeParameter[] Merge(List<Raw> raws)
    {
        if (!raws.Exists(x => x.Section >= 0 || x.Extended))
        {
            // No RFC 2231 parameter: keep the first of each name, decode stray RFC 2047 words.
            var simple = new List<MimeParameter>(raws.Count);
            foreach (Raw r in raws)
            {
                if (!simple.Exists(x => x.Name == r.Name))
                {
                    simple.Add(new MimeParameter(r.Name, r.Value.Contains("=?", StringComparison.Ordinal) ? Rfc2047.DecodeText(r.Value) : r.Value));
                }
            }

            return [.. simple];
        }

        var result = new List<MimeParameter>(raws.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        // RFC 2231 forms win over a plain parameter of the same name.
        foreach (Raw r in raws)
        {
            if (done.Contains(r.Name))
            {
                continue;
            }

            bool has2231 = raws.Exists(x => x.Name == r.Name && (x.Section >= 0 || x.Extended));
            if (!has2231)
            {
                done.Add(r.Name);
                string v = r.Value.Contains("=?", StringComparison.Ordinal) ? Rfc2047.DecodeText(r.Value) : r.Value;
                result.Add(new MimeParameter(r.Name, v));
                continue;
            }

            done.Add(r.Name);
            List<Raw> sections = raws.FindAll(x => x.Name == r.Name && (x.Section >= 0 || x.Extended));
            sections.Sort((a, b) => a.Section.CompareTo(b.Section));
            string? charset = null;
            string? language = null;
            var bytes = new List<byte>();
            int expected = sections[0].Section < 0 ? -1 : 0;
            foreach (Raw sct in sections)
            {
                if (sct.Section >= 0 && sct.Section != expected)
                {
                    // A gap or duplicate: RFC 2231 §3 says stop at the first missing section.
                    if (sct.Section < expected)
                    {
                        continue;
                    }

                    break;
                }

                expected++;
                string v = sct.Value;
                if (sct.Extended)
                {
                    if (sct.Section <= 0)
                    {
                        int q1 = v.IndexOf('\'', StringComparison.Ordinal);
                        int q2 = q1 < 0 ? -1 : v.IndexOf('\'', q1 + 1);
                        if (q2 >= 0)
                        {
                            charset = q1 > 0 ? v[..q1] : null;
                            language = q2 > q1 + 1 ? v[(q1 + 1)..q2] : null;
                            v = v[(q2 + 1)..];
                        }
                    }

                    PercentDecode(v, bytes);
                }
                else
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(v));
                }

                if (sct.Section < 0)
                {
                    break;
                }
            }

            string value = Charsets.DecodeText(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes), charset ?? "utf-8");
            result.Add(new MimeParameter(r.Name, value, charset, language));
        }

        return [.. result];
    }

    private static void PercentDecode(string v, List<byte> output)
    {
        for (int i = 0; i < v.Length; i++)
        {
            char c = v[i];
            if (c == '%' && i + 2 < v.Length && Rfc2047.Hex(v[i + 1]) >= 0 && Rfc2047.Hex(v[i + 2]) >= 0)
            {
                output.Add((byte)((Rfc2047.Hex(v[i + 1]) << 4) | Rfc2047.Hex(v[i + 2])));
                i += 2;
            }
            else if (c < 128)
            {
                output.Add((byte)c);
            }
            else
            {
                output.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }
    }

    internal static string Lower(string s)
    {
        foreach (char c in s)
        {
            if (c is >= 'A' and <= 'Z')
            {
                return Interned(s.ToLowerInvariant());
            }
        }

        return Interned(s);
    }

    // Common names and values are returned as literals so that parsing allocates less.
    internal static string Interned(string lower) => lower switch
    {
        "charset" => "charset",
        "boundary" => "boundary",
        "name" => "name",
        "filename" => "filename",
        "report-type" => "report-type",
        "format" => "format",
        _ => lower,
    };
}

/// <summary>RFC 5322 lexical helpers over unfolded strings.</summary>
internal static class Tokens
{
    private const int MaxCommentDepth = 64;

    /// <summary>Skips whitespace and (nested) comments.</summary>
    public static int SkipCfws(string s, int pos)
    {
        while (pos < s.Length)
        {
            char c = s[pos];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                pos++;
            }
            else if (c == '(')
            {
                pos = SkipComment(s, pos);
            }
            else
            {
                break;
            }
        }

        return pos;
    }

    public static int SkipComment(string s, int pos)
    {
        int depth = 0;
        while (pos < s.Length)
        {
            char c = s[pos++];
            if (c == '\\')
            {
                pos++;
            }
            else if (c == '(')
            {
                depth++;
                if (depth > MaxCommentDepth)
                {
                    return s.Length;
                }
            }
            else if (c == ')')
            {
                if (--depth == 0)
                {
                    return pos;
                }
            }
        }

        return Math.Min(pos, s.Length);
    }

    /// <summary>Reads a quoted-string at <paramref name="pos"/> (on the opening quote); unterminated runs to the end.</summary>
    public static string ReadQuoted(string s, ref int pos)
    {
        var sb = new StringBuilder();
        pos++;
        while (pos < s.Length)
        {
            char c = s[pos++];
            if (c == '\\' && pos < s.Length)
            {
                sb.Append(s[pos++]);
            }
            else if (c == '"')
            {
                return sb.ToString();
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
