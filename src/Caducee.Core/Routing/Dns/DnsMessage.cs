// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace Caducee.Core.Routing.Dns;

/// <summary>The record types the MX router needs (RFC 1035 §3.2.2, RFC 3596).</summary>
public enum DnsRecordType : ushort
{
    A = 1,
    Cname = 5,
    Soa = 6,
    Mx = 15,
    Aaaa = 28,
}

/// <summary>RCODE values (RFC 1035 §4.1.1).</summary>
public enum DnsResponseCode
{
    NoError = 0,
    FormatError = 1,
    ServerFailure = 2,
    NameError = 3,
    NotImplemented = 4,
    Refused = 5,
}

/// <summary>
/// One resource record. <see cref="Data"/> holds what the router uses: an <see cref="IPAddress"/> (A, AAAA), an
/// <see cref="MxData"/>, a target name (CNAME), an <see cref="SoaData"/>; null for other types.
/// Names are lower-case, without the trailing dot ("" is the root).
/// </summary>
public sealed record DnsRecord(string Name, DnsRecordType Type, uint Ttl, object? Data);

/// <summary>MX RDATA (RFC 1035 §3.3.9).</summary>
public sealed record MxData(ushort Preference, string Exchange);

/// <summary>The SOA fields negative caching needs (RFC 2308 §5: min(SOA TTL, MINIMUM)).</summary>
public sealed record SoaData(string PrimaryServer, uint Minimum);

/// <summary>A decoded response.</summary>
public sealed record DnsResponse(
    ushort Id,
    DnsResponseCode Code,
    bool Truncated,
    bool Authoritative,
    string QuestionName,
    DnsRecordType QuestionType,
    IReadOnlyList<DnsRecord> Answers,
    IReadOnlyList<DnsRecord> Authority);

/// <summary>
/// The DNS wire format, sans I/O (RFC 1035 §4): encodes one-question queries and decodes responses with every
/// read bounded — names of at most 255 octets and 63 per label, compression pointers that only point backwards
/// (no loops), counts and lengths checked against the message. Malformed input gives an error, never an exception.
/// </summary>
public static class DnsMessage
{
    private const int HeaderLength = 12;
    private const int MaxNameLength = 255;
    private const ushort ClassIn = 1;

    /// <summary>A query with recursion desired, for <paramref name="name"/> (A-labels or U-labels; converted with IDNA).</summary>
    public static byte[] EncodeQuery(ushort id, string name, DnsRecordType type)
    {
        var labels = ToLabels(name);
        var length = HeaderLength + labels.Sum(l => l.Length + 1) + 1 + 4;
        var buffer = new byte[length];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(span, id);
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], 0x0100); // RD
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], 1); // QDCOUNT
        var offset = HeaderLength;
        foreach (var label in labels)
        {
            span[offset++] = (byte)label.Length;
            label.CopyTo(span[offset..]);
            offset += label.Length;
        }

        span[offset++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[offset..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(span[(offset + 2)..], ClassIn);
        return buffer;
    }

    /// <summary>The ASCII (A-label) form of a domain, lower-case, without trailing dot; throws <see cref="ArgumentException"/> when it cannot be a DNS name.</summary>
    public static string Normalize(string name)
    {
        var trimmed = name.Trim().TrimEnd('.');
        if (trimmed.Length == 0)
        {
            throw new ArgumentException("empty domain name", nameof(name));
        }

        string ascii;
        try
        {
            ascii = new IdnMapping().GetAscii(trimmed);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"'{name}' is not a valid domain name: {ex.Message}", nameof(name), ex);
        }

        return ascii.ToLowerInvariant();
    }

    private static List<byte[]> ToLabels(string name)
    {
        var ascii = Normalize(name);
        var labels = ascii.Split('.').Select(Encoding.ASCII.GetBytes).ToList();
        if (labels.Any(l => l.Length is 0 or > 63) || labels.Sum(l => l.Length + 1) + 1 > MaxNameLength)
        {
            throw new ArgumentException($"'{name}' is not a valid domain name (label or name too long)", nameof(name));
        }

        return labels;
    }

    /// <summary>Decodes a response; false with <paramref name="error"/> when it is malformed or not a response.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> message, out DnsResponse? response, out string? error)
    {
        response = null;
        if (message.Length < HeaderLength)
        {
            error = "shorter than a DNS header";
            return false;
        }

        var id = BinaryPrimitives.ReadUInt16BigEndian(message);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & 0x8000) == 0)
        {
            error = "not a response (QR=0)";
            return false;
        }

        var counts = (
            Questions: BinaryPrimitives.ReadUInt16BigEndian(message[4..]),
            Answers: BinaryPrimitives.ReadUInt16BigEndian(message[6..]),
            Authority: BinaryPrimitives.ReadUInt16BigEndian(message[8..]),
            Additional: BinaryPrimitives.ReadUInt16BigEndian(message[10..]));
        var truncated = (flags & 0x0200) != 0;
        var offset = HeaderLength;
        if (counts.Questions != 1)
        {
            error = $"{counts.Questions} questions in the response (expected 1)";
            return false;
        }

        if (!TryReadName(message, ref offset, out var qname, out error))
        {
            return false;
        }

        if (offset + 4 > message.Length)
        {
            error = "question truncated";
            return false;
        }

        var qtype = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        offset += 4;
        var answers = new List<DnsRecord>();
        var authority = new List<DnsRecord>();

        // A truncated response (TC) may end anywhere: keep what is complete, the caller retries over TCP.
        if (!TryReadRecords(message, ref offset, counts.Answers, answers, out error) ||
            !TryReadRecords(message, ref offset, counts.Authority, authority, out error))
        {
            if (!truncated)
            {
                return false;
            }
        }

        error = null;
        response = new DnsResponse(id, (DnsResponseCode)(flags & 0x000F), truncated, (flags & 0x0400) != 0, qname!, qtype, answers, authority);
        return true;
    }

    private static bool TryReadRecords(ReadOnlySpan<byte> message, ref int offset, int count, List<DnsRecord> into, out string? error)
    {
        for (var i = 0; i < count; i++)
        {
            if (!TryReadName(message, ref offset, out var name, out error))
            {
                return false;
            }

            if (offset + 10 > message.Length)
            {
                error = "record header truncated";
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            var @class = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(offset + 4)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
            offset += 10;
            if (offset + length > message.Length)
            {
                error = "record data truncated";
                return false;
            }

            // RFC 2181 §8: a TTL with the top bit set is treated as zero.
            if (ttl > int.MaxValue)
            {
                ttl = 0;
            }

            var rdataStart = offset;
            object? data = null;
            if (@class == ClassIn)
            {
                switch ((DnsRecordType)type)
                {
                    case DnsRecordType.A when length == 4:
                        data = new IPAddress(message.Slice(offset, 4));
                        break;
                    case DnsRecordType.Aaaa when length == 16:
                        data = new IPAddress(message.Slice(offset, 16));
                        break;
                    case DnsRecordType.A or DnsRecordType.Aaaa:
                        error = $"address record of {length} octets";
                        return false;
                    case DnsRecordType.Mx:
                        {
                            if (length < 3)
                            {
                                error = "MX record too short";
                                return false;
                            }

                            var preference = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
                            var at = offset + 2;
                            if (!TryReadName(message, ref at, out var exchange, out error) || at != rdataStart + length)
                            {
                                error ??= "MX record length does not match its content";
                                return false;
                            }

                            data = new MxData(preference, exchange!);
                            break;
                        }

                    case DnsRecordType.Cname:
                        {
                            var at = offset;
                            if (!TryReadName(message, ref at, out var target, out error) || at != rdataStart + length)
                            {
                                error ??= "CNAME record length does not match its content";
                                return false;
                            }

                            data = target;
                            break;
                        }

                    case DnsRecordType.Soa:
                        {
                            var at = offset;
                            if (!TryReadName(message, ref at, out var primary, out error) || !TryReadName(message, ref at, out _, out error))
                            {
                                return false;
                            }

                            if (at + 20 != rdataStart + length)
                            {
                                error = "SOA record length does not match its content";
                                return false;
                            }

                            data = new SoaData(primary!, BinaryPrimitives.ReadUInt32BigEndian(message[(at + 16)..]));
                            break;
                        }
                }
            }

            offset = rdataStart + length;
            into.Add(new DnsRecord(name!, (DnsRecordType)type, ttl, data));
        }

        error = null;
        return true;
    }

    /// <summary>
    /// A possibly compressed name (RFC 1035 §4.1.4). Each pointer must point before the previous jump's target
    /// (strictly decreasing), so following them always ends; labels of type 01/10 (extended labels) are refused.
    /// </summary>
    private static bool TryReadName(ReadOnlySpan<byte> message, ref int offset, out string? name, out string? error)
    {
        name = null;
        var sb = new StringBuilder();
        var position = offset;
        var jumped = false;
        var limit = int.MaxValue;
        var total = 0;
        while (true)
        {
            if (position >= message.Length)
            {
                error = "name runs past the end of the message";
                return false;
            }

            var length = message[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length)
                {
                    error = "compression pointer truncated";
                    return false;
                }

                var target = ((length & 0x3F) << 8) | message[position + 1];
                if (target >= position || target >= limit)
                {
                    error = "compression pointer does not point backwards";
                    return false;
                }

                limit = target;
                if (!jumped)
                {
                    offset = position + 2;
                    jumped = true;
                }

                position = target;
                continue;
            }

            if ((length & 0xC0) != 0)
            {
                error = "unsupported label type";
                return false;
            }

            if (length == 0)
            {
                if (!jumped)
                {
                    offset = position + 1;
                }

                break;
            }

            total += length + 1;
            if (total + 1 > MaxNameLength || position + 1 + length > message.Length)
            {
                error = total + 1 > MaxNameLength ? "name longer than 255 octets" : "label runs past the end of the message";
                return false;
            }

            if (sb.Length > 0)
            {
                sb.Append('.');
            }

            foreach (var b in message.Slice(position + 1, length))
            {
                // Names are compared case-insensitively (RFC 4343); other octets are kept escaped so they cannot be confused with a dot.
                if (b is >= 0x21 and <= 0x7E && b != (byte)'.' && b != (byte)'\\')
                {
                    sb.Append(char.ToLowerInvariant((char)b));
                }
                else
                {
                    sb.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
                }
            }

            position += 1 + length;
        }

        name = sb.ToString();
        error = null;
        return true;
    }
}
