// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;
using Caducee.Core.Model;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Parsing;

namespace Caducee.Smtp.Server.Outbound;

/// <summary>What a peer's EHLO reply offers (RFC 5321 §4.1.1.1): the extension keywords and the SIZE limit.</summary>
public sealed class PeerCapabilities
{
    private readonly HashSet<string> _keywords;

    private PeerCapabilities(HashSet<string> keywords, long? maxSize)
    {
        _keywords = keywords;
        MaxSize = maxSize;
    }

    /// <summary>The SIZE the peer announced (RFC 1870), when it gave one; 0 means no limit.</summary>
    public long? MaxSize { get; }

    public bool StartTls => Has("STARTTLS");

    public bool Pipelining => Has("PIPELINING");

    public bool Dsn => Has("DSN");

    public bool EightBitMime => Has("8BITMIME");

    public bool SmtpUtf8 => Has("SMTPUTF8");

    public bool Size => Has("SIZE");

    public bool Has(string keyword) => _keywords.Contains(keyword);

    /// <summary>Reads the keywords of an EHLO reply (its first line is the greeting, the others one extension each).</summary>
    public static PeerCapabilities FromEhlo(SmtpReply ehlo)
    {
        var keywords = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long? size = null;
        foreach (var line in ehlo.Lines.Skip(1))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            keywords.Add(parts[0]);
            if (parts[0].Equals("SIZE", StringComparison.OrdinalIgnoreCase) && parts.Length > 1 &&
                long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max))
            {
                size = max;
            }
        }

        return new PeerCapabilities(keywords, size);
    }
}

/// <summary>
/// The commands of one outbound transaction, built from the queued envelope and what the peer offers
/// (pure: no I/O). DSN parameters are passed on only to peers that offer DSN (RFC 3461 §4): RET and
/// ENVID on MAIL, NOTIFY and ORCPT on RCPT.
/// </summary>
public static class EnvelopeCommands
{
    /// <summary>MAIL FROM with SIZE, BODY, SMTPUTF8, RET and ENVID as the peer and the message call for; null when the peer cannot take it.</summary>
    public static string? Mail(OutboundEnvelope envelope, ReadOnlySpan<byte> message, PeerCapabilities peer, out SmtpReply? refusal)
    {
        refusal = null;
        var mail = new StringBuilder("MAIL FROM:<").Append(envelope.Sender?.ToString() ?? string.Empty).Append('>');
        if (peer.Size)
        {
            if (peer.MaxSize is > 0 and var max && message.Length > max)
            {
                refusal = new SmtpReply(552, "5.3.4", $"Message of {message.Length} octets is larger than the peer's limit of {max} octets");
                return null;
            }

            mail.Append(CultureInfo.InvariantCulture, $" SIZE={message.Length}");
        }

        if (peer.EightBitMime && message.ContainsAnyExceptInRange((byte)0, (byte)127))
        {
            mail.Append(" BODY=8BITMIME");
        }

        if ((envelope.Sender?.IsInternational ?? false) || envelope.Recipients.Any(r => r.Recipient.Address.IsInternational))
        {
            if (!peer.SmtpUtf8)
            {
                refusal = new SmtpReply(553, "5.6.7", "Peer does not support SMTPUTF8, required by an international address");
                return null;
            }

            mail.Append(" SMTPUTF8");
        }

        if (peer.Dsn)
        {
            mail.Append(envelope.ReturnFull ? " RET=FULL" : " RET=HDRS");
            if (envelope.EnvelopeId is not null)
            {
                mail.Append(" ENVID=").Append(Xtext.Encode(envelope.EnvelopeId));
            }
        }

        return mail.ToString();
    }

    /// <summary>RCPT TO with NOTIFY and ORCPT when the peer offers DSN.</summary>
    public static string Rcpt(OutboundRecipient recipient, PeerCapabilities peer)
    {
        var rcpt = new StringBuilder("RCPT TO:<").Append(recipient.Address).Append('>');
        if (peer.Dsn)
        {
            var notify = NotifyParameter(recipient.Notify);
            if (notify is not null)
            {
                rcpt.Append(" NOTIFY=").Append(notify);
            }

            if (recipient.OriginalRecipient is { } orcpt && orcpt.IndexOf(';', StringComparison.Ordinal) is var semi and > 0)
            {
                rcpt.Append(" ORCPT=").Append(orcpt[..semi].Trim()).Append(';').Append(Xtext.Encode(orcpt[(semi + 1)..].Trim()));
            }
        }

        return rcpt.ToString();
    }

    /// <summary>The NOTIFY value (RFC 3461 §4.1), or null when the sender gave none (the peer then applies its default).</summary>
    public static string? NotifyParameter(NotifyOn notify)
    {
        if (notify == NotifyOn.Default)
        {
            return null;
        }

        if ((notify & NotifyOn.Never) != 0)
        {
            return "NEVER";
        }

        var parts = new List<string>(3);
        if ((notify & NotifyOn.Success) != 0)
        {
            parts.Add("SUCCESS");
        }

        if ((notify & NotifyOn.Failure) != 0)
        {
            parts.Add("FAILURE");
        }

        if ((notify & NotifyOn.Delay) != 0)
        {
            parts.Add("DELAY");
        }

        return string.Join(',', parts);
    }
}

/// <summary>One message to hand to a peer: the envelope of a queue item (its recipients for one domain).</summary>
public sealed record OutboundEnvelope(MailAddress? Sender, IReadOnlyList<QueueRecipient> Recipients, string? EnvelopeId, bool ReturnFull);
