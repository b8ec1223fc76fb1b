// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;

namespace Caducee.Mime;

/// <summary>
/// Lazy content decoding: the transfer encoding of a part is undone only when asked, streaming over
/// the body slice in fixed chunks (nothing but the output is allocated for the body).
/// </summary>
public static class MimeContent
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>A fresh streaming decoder for a transfer encoding.</summary>
    public static IContentDecoder CreateDecoder(MimeTransferEncoding encoding) => encoding switch
    {
        MimeTransferEncoding.Base64 => new Base64Decoder(),
        MimeTransferEncoding.QuotedPrintable => new QuotedPrintableDecoder(),
        MimeTransferEncoding.UUEncode => new UUDecoder(),
        _ => new IdentityDecoder(),
    };

    /// <summary>Decodes the part's body into <paramref name="output"/>; returns the decoded length.</summary>
    public static long DecodeTo(MimePart part, IBufferWriter<byte> output) => DecodeTo(part.RawBody.Span, part.TransferEncoding, output);

    /// <summary>Decodes a transfer-encoded body into <paramref name="output"/>, chunk by chunk; returns the decoded length.</summary>
    public static long DecodeTo(ReadOnlySpan<byte> body, MimeTransferEncoding encoding, IBufferWriter<byte> output)
    {
        if (encoding is MimeTransferEncoding.SevenBit or MimeTransferEncoding.EightBit or MimeTransferEncoding.Binary or MimeTransferEncoding.Unknown)
        {
            output.Write(body);
            return body.Length;
        }

        IContentDecoder dec = CreateDecoder(encoding);
        long total = 0;
        int pos = 0;
        do
        {
            int n = Math.Min(ChunkSize, body.Length - pos);
            bool final = pos + n >= body.Length;
            Span<byte> dst = output.GetSpan(dec.MaxOutputLength(n));
            int w = dec.Decode(body.Slice(pos, n), dst, final);
            output.Advance(w);
            total += w;
            pos += n;
        }
        while (pos < body.Length);
        return total;
    }

    /// <summary>Counts the decoded length without keeping the output (IMAP BINARY.SIZE).</summary>
    public static long GetDecodedLength(MimePart part)
    {
        MimeTransferEncoding encoding = part.TransferEncoding;
        ReadOnlySpan<byte> body = part.RawBody.Span;
        if (encoding is MimeTransferEncoding.SevenBit or MimeTransferEncoding.EightBit or MimeTransferEncoding.Binary or MimeTransferEncoding.Unknown)
        {
            return body.Length;
        }

        IContentDecoder dec = CreateDecoder(encoding);
        byte[] buf = ArrayPool<byte>.Shared.Rent(dec.MaxOutputLength(ChunkSize));
        try
        {
            long total = 0;
            int pos = 0;
            do
            {
                int n = Math.Min(ChunkSize, body.Length - pos);
                total += dec.Decode(body.Slice(pos, n), buf, pos + n >= body.Length);
                pos += n;
            }
            while (pos < body.Length);
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    /// <summary>The decoded content of a leaf part, as a new array.</summary>
    public static byte[] Decode(MimePart part)
    {
        var w = new ArrayBufferWriter<byte>(Math.Max(16, part.BodyEnd - part.BodyStart));
        DecodeTo(part, w);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The text of a part: content decoded, then converted from the declared charset with fallbacks
    /// (see <see cref="Charsets.DecodeText"/>).
    /// </summary>
    public static string GetText(MimePart part)
    {
        var w = new ArrayBufferWriter<byte>(Math.Max(16, part.BodyEnd - part.BodyStart));
        DecodeTo(part, w);
        return Charsets.DecodeText(w.WrittenSpan, part.Charset);
    }
}
