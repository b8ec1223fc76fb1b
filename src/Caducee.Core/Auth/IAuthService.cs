// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;

namespace Caducee.Core.Auth;

/// <summary>
/// The one authentication component shared by SMTP submission, IMAP and the web (issue 5 point 4).
/// Mechanisms plug in here; the protocols only carry the SASL exchange.
/// </summary>
public interface IAuthService
{
    /// <summary>PLAIN / LOGIN: address and password, throttled per account and client address.</summary>
    Task<AuthResult> AuthenticatePasswordAsync(string userName, string password, IPAddress? client, CancellationToken cancellationToken);
}
