// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Sql;

/// <summary>The plaintext layout of <see cref="MessageViews"/> before encryption (version byte, length-prefixed fields).</summary>
internal static class ViewsCodec
{
    private const byte Version = 1;

    public static byte[] Encode(MessageViews v)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Version);
            Bytes(w, v.Envelope);
            Bytes(w, v.Body);
            Bytes(w, v.BodyStructure);
            w.Write(v.SentDate.HasValue);
            w.Write(v.SentDate?.ToUnixTimeMilliseconds() ?? 0);
            w.Write((short)(v.SentDate?.Offset.TotalMinutes ?? 0));
            Text(w, v.Subject);
            Text(w, v.BaseSubject);
            Address(w, v.From);
            Address(w, v.To);
            Address(w, v.Cc);
            Text(w, v.MessageId);
        }

        return ms.ToArray();
    }

    public static MessageViews Decode(byte[] data)
    {
        using var r = new BinaryReader(new MemoryStream(data), Encoding.UTF8);
        if (r.ReadByte() != Version)
        {
            throw new MailException(MailError.InvalidData, "cached views in an unknown format");
        }

        var envelope = Bytes(r);
        var body = Bytes(r);
        var structure = Bytes(r);
        var hasDate = r.ReadBoolean();
        var ms = r.ReadInt64();
        var offset = r.ReadInt16();
        DateTimeOffset? sent = hasDate ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToOffset(TimeSpan.FromMinutes(offset)) : null;
        return new MessageViews(envelope, body, structure, sent, Text(r), Text(r) ?? string.Empty, Address(r), Address(r), Address(r), Text(r));
    }

    private static void Bytes(BinaryWriter w, byte[] b)
    {
        w.Write(b.Length);
        w.Write(b);
    }

    private static byte[] Bytes(BinaryReader r) => r.ReadBytes(r.ReadInt32());

    private static void Text(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null)
        {
            w.Write(s);
        }
    }

    private static string? Text(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void Address(BinaryWriter w, ViewAddress? a)
    {
        w.Write(a is not null);
        if (a is not null)
        {
            w.Write(a.Address);
            Text(w, a.DisplayName);
        }
    }

    private static ViewAddress? Address(BinaryReader r) => r.ReadBoolean() ? new ViewAddress(r.ReadString(), Text(r)) : null;
}

/// <summary>UID sets as sorted, merged ranges, so updates touch a range per statement, not a row.</summary>
internal static class UidRanges
{
    public static List<(long Low, long High)> From(IEnumerable<long> uids)
    {
        var sorted = uids.Where(u => u > 0).Distinct().Order().ToList();
        var ranges = new List<(long, long)>();
        var i = 0;
        while (i < sorted.Count)
        {
            var low = sorted[i];
            var high = low;
            while (i + 1 < sorted.Count && sorted[i + 1] == high + 1)
            {
                high = sorted[++i];
            }

            ranges.Add((low, high));
            i++;
        }

        return ranges;
    }
}
