// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Server.Handlers;

/// <summary>A SASL exchange in progress (RFC 4954 §4): the mechanism and what it has gathered so far.</summary>
internal sealed class SaslExchange(string mechanism)
{
    public string Mechanism { get; } = mechanism;

    /// <summary>LOGIN: the user name once received.</summary>
    public string? UserName { get; set; }
}
