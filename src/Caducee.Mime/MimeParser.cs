// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Text;

namespace Caducee.Mime;

/// <summary>
/// The MIME parser: forward-only over the stored bytes of one message, no I/O, never throws on
/// malformed input (oddities become <see cref="MimeDefect"/>s), bounded by <see cref="MimeParserOptions"/>.
/// Bodies are not copied: the tree records offsets.
/// </summary>
public static class MimeParser
{
    // Effective recursion cap whatever the options say, so the call stack stays bounded.
    private const int HardMaxDepth = 512;

    /// <summary>Parses a whole message.</summary>
    public static MimeMessage Parse(ReadOnlyMemory<byte> message, MimeParserOptions? options = null)
    {
        var core = new Core(message, options ?? MimeParserOptions.Default);
        core.Reset();
        MimePart root = core.ParseEntity(message.Span, 0, 0, null, isMessage: true, digestChild: false, out _);
        return new MimeMessage(message, root, core.Parts);
    }

    /// <summary>
    /// Parses a whole message held in a sequence. A single-segment sequence is parsed in place; a
    /// multi-segment one is first gathered into one array, since offsets address one contiguous buffer.
    /// </summary>
    public static MimeMessage Parse(ReadOnlySequence<byte> message, MimeParserOptions? options = null) =>
        Parse(message.IsSingleSegment ? message.First : message.ToArray(), options);

    private static readonly SearchValues<byte> s_tokenEnd = SearchValues.Create(";\r\n\t ("u8);

    private sealed class Boundary(byte[] marker, Boundary? parent)
    {
        public byte[] Marker { get; } = marker;

        public Boundary? Parent { get; } = parent;
    }

    private struct Hit
    {
        public bool Found;
        public int LineStart;
        public int BodyEnd;
        public int Next;
        public bool IsClose;
        public Boundary? Which;
    }

    private sealed class Core(ReadOnlyMemory<byte> memory, MimeParserOptions options)
    {
        // Scratch lists reused by every parse on this thread: structure parsing allocates only the tree.
        [ThreadStatic]
        private static List<HeaderField>? t_scratch;
        [ThreadStatic]
        private static List<MimePart>? t_children;

        private readonly ReadOnlyMemory<byte> _memory = memory;
        private readonly MimeParserOptions _options = options;
        private readonly List<HeaderField> _scratch = t_scratch ??= new(64);
        private readonly List<MimePart> _children = t_children ??= new(64);
        private readonly int _maxDepth = Math.Min(options.MaxDepth, HardMaxDepth);

        public int Parts { get; private set; }

        // Scratch state left over by an interrupted parse on this thread is dropped.
        public void Reset()
        {
            _scratch.Clear();
            _children.Clear();
        }

        public MimePart ParseEntity(ReadOnlySpan<byte> d, int start, int depth, Boundary? stack, bool isMessage, bool digestChild, out Hit hit)
        {
            Parts++;
            List<MimeDefect>? defects = null;
            HeaderField[] fields = ParseHeaders(d, start, stack, allowMboxFrom: depth == 0 && start == 0, ref defects, out int headerStart, out int headerEnd, out int bodyStart);

            HeaderField? ctField = null, cteField = null;
            int cdIndex = -1;
            for (int fi = 0; fi < fields.Length; fi++)
            {
                HeaderField f = fields[fi];
                int nl = f.NameLength;
                if (nl < 12 || (d[f.Start] | 0x20) != 'c')
                {
                    continue;
                }

                ReadOnlySpan<byte> name = d.Slice(f.Start, nl);
                if (nl == 12 && ctField is null && Ascii.EqualsIgnoreCase(name, "Content-Type"u8))
                {
                    ctField = f;
                }
                else if (nl == 25 && cteField is null && Ascii.EqualsIgnoreCase(name, "Content-Transfer-Encoding"u8))
                {
                    cteField = f;
                }
                else if (nl == 19 && cdIndex < 0 && Ascii.EqualsIgnoreCase(name, "Content-Disposition"u8))
                {
                    cdIndex = fi;
                }
            }

            MimeContentType ct;
            if (ctField is { } ctf)
            {
                ct = MimeContentType.Parse(_memory[ctf.ValueStart..ctf.End]);
                if (!ct.IsValid)
                {
                    Add(ref defects, MimeDefectKind.InvalidContentType, ctf.Start);
                }
            }
            else
            {
                ct = digestChild ? MimeContentType.s_defaultDigest : MimeContentType.s_default;
            }

            MimeTransferEncoding cte = MimeTransferEncoding.SevenBit;
            string? rawCte = null;
            if (cteField is { } ctef)
            {
                cte = TransferEncodings.Parse(d[ctef.ValueStart..ctef.End]);
                if (cte == MimeTransferEncoding.Unknown)
                {
                    rawCte = HeaderText.Unfold(d[ctef.ValueStart..ctef.End]);
                    Add(ref defects, MimeDefectKind.UnknownTransferEncoding, ctef.Start, rawCte);
                }
            }

            MimePart[]? children = null;
            MimePart? inner = null;
            int bodyEnd;
            bool identity = cte is MimeTransferEncoding.SevenBit or MimeTransferEncoding.EightBit or MimeTransferEncoding.Binary;
            if (ct.IsMultipart)
            {
                // The boundary is read straight from the bytes when it is a plain token or quoted string.
                byte[]? marker = ctField is { } bf ? SimpleBoundaryMarker(d[bf.ValueStart..bf.End]) : null;
                string? boundary = marker is null ? ct.Boundary : "-";
                if (!identity)
                {
                    Add(ref defects, MimeDefectKind.InvalidMultipartTransferEncoding, bodyStart, rawCte);
                }

                if (string.IsNullOrEmpty(boundary))
                {
                    Add(ref defects, MimeDefectKind.MultipartWithoutBoundary, bodyStart);
                    bodyEnd = Leaf(d, bodyStart, stack, out hit);
                }
                else if (depth + 1 > _maxDepth)
                {
                    Add(ref defects, MimeDefectKind.MaxDepthExceeded, bodyStart);
                    bodyEnd = Leaf(d, bodyStart, stack, out hit);
                }
                else
                {
                    children = ParseMultipart(d, bodyStart, depth, new Boundary(marker ?? Marker(boundary), stack), stack, ct.MediaSubtype == "digest", ref defects, out hit, out bodyEnd);
                }
            }
            else if (ct.IsEncapsulatedMessage && identity)
            {
                if (depth + 1 > _maxDepth)
                {
                    Add(ref defects, MimeDefectKind.MaxDepthExceeded, bodyStart);
                    bodyEnd = Leaf(d, bodyStart, stack, out hit);
                }
                else if (Parts >= _options.MaxParts)
                {
                    Add(ref defects, MimeDefectKind.MaxPartsExceeded, bodyStart);
                    bodyEnd = Leaf(d, bodyStart, stack, out hit);
                }
                else
                {
                    inner = ParseEntity(d, bodyStart, depth + 1, stack, isMessage: true, digestChild: false, out hit);
                    bodyEnd = inner.BodyEnd;
                }
            }
            else
            {
                bodyEnd = Leaf(d, bodyStart, stack, out hit);
            }

            return new MimePart(_memory, depth, headerStart, headerEnd, bodyStart, Math.Max(bodyStart, bodyEnd), fields, ct, cdIndex, cte, children, inner, defects?.ToArray());
        }

        // Finds boundary=token or boundary="quoted" (no escapes, no RFC 2231 or 2047) and returns "--" + value.
        private static byte[]? SimpleBoundaryMarker(ReadOnlySpan<byte> v)
        {
            int at = 0;
            while (true)
            {
                int semi = v[at..].IndexOf((byte)';');
                if (semi < 0)
                {
                    return null;
                }

                if (v[..(at + semi)].Contains((byte)'"'))
                {
                    return null; // a quoted value before: leave it to the full parameter parser
                }

                at += semi + 1;
                ReadOnlySpan<byte> rest = v[at..].TrimStart(" \t\r\n"u8);
                if (rest.Length > 9 && Ascii.EqualsIgnoreCase(rest[..8], "boundary"u8))
                {
                    ReadOnlySpan<byte> after = rest[8..].TrimStart(" \t"u8);
                    if (after.IsEmpty || after[0] != (byte)'=')
                    {
                        return null;
                    }

                    after = after[1..].TrimStart(" \t"u8);
                    ReadOnlySpan<byte> value;
                    if (!after.IsEmpty && after[0] == (byte)'"')
                    {
                        int close = after[1..].IndexOfAny((byte)'"', (byte)'\\', (byte)'\r');
                        if (close < 0 || after[1 + close] != (byte)'"')
                        {
                            return null;
                        }

                        value = after.Slice(1, close);
                    }
                    else
                    {
                        int end = after.IndexOfAny(s_tokenEnd);
                        value = end < 0 ? after : after[..end];
                    }

                    if (value.IsEmpty || value.IndexOf("=?"u8) >= 0 || value.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E))
                    {
                        return null;
                    }

                    byte[] m = new byte[value.Length + 2];
                    m[0] = (byte)'-';
                    m[1] = (byte)'-';
                    value.CopyTo(m.AsSpan(2));
                    return m;
                }

                if (rest.Length >= 9 && Ascii.EqualsIgnoreCase(rest[..9], "boundary*"u8))
                {
                    return null;
                }
            }
        }

        private static byte[] Marker(string boundary)
        {
            byte[] m = new byte[2 + Encoding.UTF8.GetByteCount(boundary)];
            m[0] = (byte)'-';
            m[1] = (byte)'-';
            Encoding.UTF8.GetBytes(boundary, m.AsSpan(2));
            return m;
        }

        private int Leaf(ReadOnlySpan<byte> d, int bodyStart, Boundary? stack, out Hit hit)
        {
            hit = FindBoundary(d, bodyStart, stack);
            return hit.Found ? Math.Max(bodyStart, hit.BodyEnd) : d.Length;
        }

        private MimePart[] ParseMultipart(ReadOnlySpan<byte> d, int bodyStart, int depth, Boundary own, Boundary? parentStack, bool digest, ref List<MimeDefect>? defects, out Hit hit, out int bodyEnd)
        {
            Hit h = FindBoundary(d, bodyStart, own);
            if (!h.Found || h.Which != own || h.IsClose)
            {
                Add(ref defects, MimeDefectKind.StartBoundaryNotFound, bodyStart);
                if (h.Found && h.Which == own)
                {
                    // Only a close delimiter: no parts; the epilogue runs to the parent's next boundary.
                    hit = FindBoundary(d, h.Next, parentStack);
                }
                else
                {
                    hit = h;
                }

                bodyEnd = hit.Found ? hit.BodyEnd : d.Length;
                return [];
            }

            List<MimePart> children = _children;
            int firstChild = children.Count;
            bool limitNoted = false;
            while (true)
            {
                Hit ch;
                if (Parts >= _options.MaxParts)
                {
                    if (!limitNoted)
                    {
                        Add(ref defects, MimeDefectKind.MaxPartsExceeded, h.Next);
                        limitNoted = true;
                    }

                    ch = FindBoundary(d, h.Next, own);
                }
                else
                {
                    children.Add(ParseEntity(d, h.Next, depth + 1, own, isMessage: false, digestChild: digest, out ch));
                }

                if (!ch.Found)
                {
                    Add(ref defects, MimeDefectKind.CloseBoundaryNotFound, d.Length);
                    hit = ch;
                    bodyEnd = d.Length;
                    break;
                }

                if (ch.Which == own)
                {
                    if (!ch.IsClose)
                    {
                        h = ch;
                        continue;
                    }

                    // Epilogue: up to the parent's next boundary, or the end.
                    hit = FindBoundary(d, ch.Next, parentStack);
                    bodyEnd = hit.Found ? hit.BodyEnd : d.Length;
                    break;
                }

                // A parent's boundary closes this unterminated multipart.
                Add(ref defects, MimeDefectKind.CloseBoundaryNotFound, ch.LineStart);
                hit = ch;
                bodyEnd = ch.BodyEnd;
                break;
            }

            MimePart[] result = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(children)[firstChild..].ToArray();
            children.RemoveRange(firstChild, children.Count - firstChild);
            return result;
        }

        // Finds the next line that is a delimiter of any boundary in the stack (innermost first).
        private static Hit FindBoundary(ReadOnlySpan<byte> d, int pos, Boundary? stack)
        {
            if (stack is null || pos >= d.Length)
            {
                return default;
            }

            if ((pos == 0 || d[pos - 1] == (byte)'\n') && Match(d, pos, stack, out Hit first))
            {
                return first;
            }

            int p = pos;
            while (true)
            {
                int idx = d[p..].IndexOf("\n--"u8);
                if (idx < 0)
                {
                    return default;
                }

                int ls = p + idx + 1;
                if (Match(d, ls, stack, out Hit hit))
                {
                    return hit;
                }

                p = ls;
            }
        }

        // delimiter := "--" boundary [ "--" ] *LWSP CRLF
        private static bool Match(ReadOnlySpan<byte> d, int ls, Boundary stack, out Hit hit)
        {
            ReadOnlySpan<byte> line = d[ls..];
            for (Boundary? b = stack; b is not null; b = b.Parent)
            {
                if (!line.StartsWith(b.Marker))
                {
                    continue;
                }

                int e = b.Marker.Length;
                bool close = false;
                if (line[e..].StartsWith("--"u8))
                {
                    close = true;
                    e += 2;
                }

                while (e < line.Length && line[e] is (byte)' ' or (byte)'\t')
                {
                    e++;
                }

                int next;
                if (e == line.Length)
                {
                    next = d.Length;
                }
                else if (line[e] == (byte)'\n')
                {
                    next = ls + e + 1;
                }
                else if (line[e] == (byte)'\r' && (e + 1 == line.Length || line[e + 1] == (byte)'\n'))
                {
                    next = Math.Min(d.Length, ls + e + 2);
                }
                else
                {
                    continue;
                }

                int bodyEnd = ls;
                if (bodyEnd > 0 && d[bodyEnd - 1] == (byte)'\n')
                {
                    bodyEnd--;
                    if (bodyEnd > 0 && d[bodyEnd - 1] == (byte)'\r')
                    {
                        bodyEnd--;
                    }
                }

                hit = new Hit { Found = true, LineStart = ls, BodyEnd = bodyEnd, Next = next, IsClose = close, Which = b };
                return true;
            }

            hit = default;
            return false;
        }

        private HeaderField[] ParseHeaders(ReadOnlySpan<byte> d, int start, Boundary? stack, bool allowMboxFrom, ref List<MimeDefect>? defects, out int headerStart, out int headerEnd, out int bodyStart)
        {
            _scratch.Clear();
            int pos = start;
            if (allowMboxFrom && d[pos..].StartsWith("From "u8))
            {
                int nl = d[pos..].IndexOf((byte)'\n');
                pos = nl < 0 ? d.Length : pos + nl + 1;
            }

            headerStart = pos;
            bool skipping = false;
            while (true)
            {
                if (pos >= d.Length)
                {
                    headerEnd = bodyStart = d.Length;
                    break;
                }

                if (pos - headerStart > _options.MaxHeaderBlockBytes)
                {
                    Add(ref defects, MimeDefectKind.HeaderBlockTooLarge, pos);
                    headerEnd = bodyStart = pos;
                    break;
                }

                ReadOnlySpan<byte> rest = d[pos..];
                int nlIdx = rest.IndexOf((byte)'\n');
                int lineEnd = nlIdx < 0 ? d.Length : pos + nlIdx + 1;
                int contentEnd = nlIdx < 0 ? d.Length : pos + nlIdx;
                if (contentEnd > pos && d[contentEnd - 1] == (byte)'\r')
                {
                    contentEnd--;
                }

                if (contentEnd == pos)
                {
                    headerEnd = pos;
                    bodyStart = lineEnd;
                    break;
                }

                if (contentEnd - pos > _options.MaxLineLength)
                {
                    Add(ref defects, MimeDefectKind.HeaderLineTooLong, pos);
                }

                byte c = d[pos];
                if (c is (byte)' ' or (byte)'\t')
                {
                    if (_scratch.Count > 0)
                    {
                        if (!skipping)
                        {
                            _scratch[^1] = _scratch[^1] with { End = lineEnd };
                        }
                    }
                    else
                    {
                        Add(ref defects, MimeDefectKind.FirstHeaderLineIsContinuation, pos);
                    }

                    pos = lineEnd;
                    continue;
                }

                if (c == (byte)'-' && stack is not null && Match(d, pos, stack, out _))
                {
                    // A boundary where a header was expected: the part has no blank line and no body.
                    Add(ref defects, MimeDefectKind.MissingHeaderBodySeparator, pos);
                    headerEnd = bodyStart = pos;
                    break;
                }

                int i = pos;
                while (i < contentEnd && d[i] != (byte)':' && d[i] > 32 && d[i] < 127)
                {
                    i++;
                }

                int j = i;
                while (j < contentEnd && d[j] is (byte)' ' or (byte)'\t')
                {
                    j++;
                }

                if (i == pos || j >= contentEnd || d[j] != (byte)':')
                {
                    Add(ref defects, MimeDefectKind.MissingHeaderBodySeparator, pos);
                    headerEnd = bodyStart = pos;
                    break;
                }

                if (j > i)
                {
                    Add(ref defects, MimeDefectKind.ObsoleteHeaderSyntax, pos, "whitespace before colon");
                }

                if (_scratch.Count >= _options.MaxHeadersPerPart)
                {
                    if (!skipping)
                    {
                        Add(ref defects, MimeDefectKind.TooManyHeaders, pos);
                        skipping = true;
                    }
                }
                else
                {
                    skipping = false;
                    _scratch.Add(new HeaderField(pos, i - pos, j + 1, lineEnd));
                }

                pos = lineEnd;
            }

            return _scratch.Count == 0 ? MimeHeaderList.s_none : [.. _scratch];
        }

        private static void Add(ref List<MimeDefect>? defects, MimeDefectKind kind, int offset, string? detail = null)
        {
            defects ??= [];
            if (defects.Count < 64)
            {
                defects.Add(new MimeDefect(kind, offset, detail));
            }
        }
    }
}
