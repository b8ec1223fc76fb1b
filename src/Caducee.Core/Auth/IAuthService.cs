// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using Caducee.Core.Auth.Sasl;
using Caducee.Primitives;

namespace Caducee.Core.Auth;

/// <summary>
/// The one authentication component shared by SMTP submission, IMAP and (later) the web (issue 5 point 4,
/// issue 6 point 2). The protocols only carry the SASL exchange (<see cref="SaslExchange"/>) and map
/// <see cref="AuthFailure"/> to their replies.
/// </summary>
public interface IAuthService
{
    /// <summary>The mechanisms offered over <paramref name="protocol"/> once TLS is up, in preference order.</summary>
    IReadOnlyList<string> Mechanisms(AuthProtocol protocol);

    /// <summary>Whether the IMAP LOGIN command is allowed (false: LOGINDISABLED even over TLS).</summary>
    bool PasswordLoginAllowed { get; }

    /// <summary>A fresh server mechanism for one exchange, or null when <paramref name="name"/> is not offered over <paramref name="protocol"/>.</summary>
    SaslServerMechanism? CreateMechanism(string name, AuthProtocol protocol);

    /// <summary>Verifies what an exchange gathered; throttles per account and per client address.</summary>
    Task<AuthResult> AuthenticateAsync(SaslCredentials credentials, AuthContext context, CancellationToken cancellationToken);

    /// <summary>The IMAP LOGIN command (and older callers): a user name and a password.</summary>
    Task<AuthResult> AuthenticatePasswordAsync(string userName, string password, IPAddress? client, CancellationToken cancellationToken);

    /// <summary>
    /// Send-as (issue 5 point 4): whether <paramref name="principal"/> may use <paramref name="sender"/> as
    /// envelope sender: a mailbox it owns or is delegated. Throws <see cref="MailException"/> when the
    /// directory cannot be consulted.
    /// </summary>
    Task<bool> MaySendAsAsync(AuthenticatedPrincipal principal, MailAddress sender, CancellationToken cancellationToken);
}
