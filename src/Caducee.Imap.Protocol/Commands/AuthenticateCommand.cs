// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>
/// AUTHENTICATE (RFC 9051 §6.2.2) with an optional initial response (SASL-IR, RFC 4959). Without one,
/// the server sends "+ " and reads the client's line with <see cref="Receiver.ImapReceiver.ExpectContinuationLine"/>,
/// decoded by <see cref="SaslResponse.TryParse"/>.
/// </summary>
/// <param name="Mechanism">The SASL mechanism, upper-cased ("PLAIN", "EXTERNAL", "XOAUTH2", "OAUTHBEARER").</param>
/// <param name="InitialResponse">The decoded initial response (empty for "="), or null when none was given.</param>
public sealed record AuthenticateCommand(string Mechanism, byte[]? InitialResponse) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => "AUTHENTICATE";

    /// <summary>The command without its credentials.</summary>
    public override string ToString() => $"{Tag} AUTHENTICATE {Mechanism}{(InitialResponse is null ? string.Empty : " (initial response redacted)")}";

    // authenticate = "AUTHENTICATE" SP auth-type [SP initial-resp] *(CRLF base64)
    // initial-resp = (base64 / "=")                                     ; RFC 4959
    internal static ImapParseResult Parse(ArgumentReader r)
    {
        if (!r.TryAtom("SASL mechanism", out var mechanism))
        {
            return r.Error;
        }

        byte[]? initial = null;
        if (!r.AtEnd)
        {
            if (!r.TryAtom("initial response", out var text))
            {
                return r.Error;
            }

            var parsed = SaslResponse.TryParse(System.Text.Encoding.ASCII.GetBytes(text));
            if (parsed.Kind != SaslResponseKind.Data)
            {
                r.Fail("initial response must be base64 or \"=\"");
                return r.Error;
            }

            initial = parsed.Data;
        }

        return r.TryEnd() ? new AuthenticateCommand(mechanism.ToUpperInvariant(), initial) { Tag = r.Tag } : r.Error;
    }
}

/// <summary>What a SASL continuation line holds.</summary>
public enum SaslResponseKind
{
    /// <summary>Base64 data (possibly empty: "=" or an empty line).</summary>
    Data,
    /// <summary>"*": the client cancels the exchange (answer BAD, RFC 9051 §6.2.2).</summary>
    Cancelled,
    /// <summary>Not base64: answer BAD.</summary>
    Invalid,
}

/// <summary>A decoded SASL response line.</summary>
/// <param name="Kind">What the line holds.</param>
/// <param name="Data">The decoded bytes for <see cref="SaslResponseKind.Data"/>.</param>
public readonly record struct SaslResponse(SaslResponseKind Kind, byte[]? Data)
{
    /// <summary>Decodes an AUTHENTICATE continuation line or an initial response (CRLF removed).</summary>
    public static SaslResponse TryParse(ReadOnlySpan<byte> line)
    {
        if (line.Length == 1 && line[0] == (byte)'*')
        {
            return new SaslResponse(SaslResponseKind.Cancelled, null);
        }

        if (line.IsEmpty || (line.Length == 1 && line[0] == (byte)'='))
        {
            return new SaslResponse(SaslResponseKind.Data, []);
        }

        var buffer = new byte[System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(line.Length)];
        var status = System.Buffers.Text.Base64.DecodeFromUtf8(line, buffer, out var consumed, out var written);
        return status == System.Buffers.OperationStatus.Done && consumed == line.Length
            ? new SaslResponse(SaslResponseKind.Data, buffer.AsSpan(0, written).ToArray())
            : new SaslResponse(SaslResponseKind.Invalid, null);
    }

    /// <summary>Never prints the data.</summary>
    public override string ToString() => Kind == SaslResponseKind.Data ? $"Data ({Data!.Length} octets)" : Kind.ToString();
}
