// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Buffers.Text;

namespace Caducee.Core.Auth.Sasl;

/// <summary>How a SASL response line reads (RFC 4954 §4, RFC 9051 §6.2.2, RFC 4959).</summary>
public enum SaslLineKind
{
    /// <summary>Base64 data, decoded.</summary>
    Data,
    /// <summary>"*": the client cancels.</summary>
    Cancel,
    /// <summary>Not base64.</summary>
    Invalid,
}

/// <summary>The base64 framing of SASL responses, shared by SMTP and IMAP.</summary>
public static class SaslBase64
{
    /// <summary>
    /// Decodes a response line. An initial response of "=" is an empty response (RFC 4954 §4, RFC 4959);
    /// a continuation line that is empty is an empty response.
    /// </summary>
    public static SaslLineKind Decode(ReadOnlySpan<byte> line, bool initial, out byte[] decoded)
    {
        decoded = [];
        if (line.SequenceEqual("*"u8))
        {
            return SaslLineKind.Cancel;
        }

        if ((initial && line.SequenceEqual("="u8)) || line.IsEmpty)
        {
            return SaslLineKind.Data;
        }

        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(line.Length)];
        var status = Base64.DecodeFromUtf8(line, buffer, out var consumed, out var written);
        if (status != OperationStatus.Done || consumed != line.Length)
        {
            return SaslLineKind.Invalid;
        }

        decoded = buffer[..written];
        return SaslLineKind.Data;
    }

    public static string Encode(byte[] challenge) => Convert.ToBase64String(challenge);
}
