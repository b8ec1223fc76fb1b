// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Auth;

/// <summary>
/// Which authentication methods an operator (one domain per node) offers: configuration keys <c>Auth:*</c>.
/// Production defaults follow REQ-15: no password for PER boxes.
/// </summary>
public sealed record AuthOptions
{
    /// <summary>
    /// Password methods at all (SASL PLAIN and LOGIN, IMAP LOGIN) (<c>Auth:PasswordMethods</c>). Off: they
    /// are neither advertised nor accepted (IMAP shows LOGINDISABLED) and only strong methods remain.
    /// </summary>
    public bool PasswordMethods { get; init; } = true;

    /// <summary>
    /// Whether PER boxes may use a password (<c>Auth:PasswordForPer</c>). False by default (REQ-15): a PER
    /// box then authenticates with a Pro Santé Connect token (XOAUTH2, OAUTHBEARER) or a CPS certificate
    /// (EXTERNAL). The demo turns it on so that password-only clients work.
    /// </summary>
    public bool PasswordForPer { get; init; }

    /// <summary>SASL EXTERNAL with the TLS client certificate (<c>Auth:External</c>; REQ-14, REQ-16).</summary>
    public bool External { get; init; } = true;
}
