// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Protocol.Responses;

/// <summary>Status responses (RFC 9051 §7.1).</summary>
public enum ImapStatus
{
    /// <summary>OK: success (tagged) or information (untagged).</summary>
    Ok,
    /// <summary>NO: the operation failed.</summary>
    No,
    /// <summary>BAD: protocol error (unknown command, bad syntax, wrong state).</summary>
    Bad,
    /// <summary>PREAUTH: the connection is already authenticated (untagged greeting only).</summary>
    PreAuth,
    /// <summary>BYE: the server is closing the connection (untagged only).</summary>
    Bye,
}

/// <summary>Wire names of <see cref="ImapStatus"/>.</summary>
public static class ImapStatusExtensions
{
    /// <summary>"OK", "NO", "BAD", "PREAUTH" or "BYE".</summary>
    public static string ToAtom(this ImapStatus status) => status switch
    {
        ImapStatus.Ok => "OK",
        ImapStatus.No => "NO",
        ImapStatus.Bad => "BAD",
        ImapStatus.PreAuth => "PREAUTH",
        ImapStatus.Bye => "BYE",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
