// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Auth.Sasl;

/// <summary>
/// What a SASL exchange gathered, to be verified by <see cref="IAuthService.AuthenticateAsync"/>.
/// Classes, not records: a record's generated ToString would print the secret.
/// </summary>
public abstract class SaslCredentials(string mechanism, string? authorizationId)
{
    public string Mechanism { get; } = mechanism;

    /// <summary>The mailbox the client asks to act as (authzid); null when it named none.</summary>
    public string? AuthorizationId { get; } = string.IsNullOrEmpty(authorizationId) ? null : authorizationId;

    /// <summary>The name to log for this attempt (never a secret).</summary>
    public abstract string? LogName { get; }

    public override string ToString() => $"{Mechanism} credentials for {LogName ?? "(unnamed)"}";
}

/// <summary>PLAIN, LOGIN, and the IMAP LOGIN command: a user name and a password.</summary>
public sealed class PasswordCredentials(string mechanism, string? authorizationId, string userName, string password)
    : SaslCredentials(mechanism, authorizationId)
{
    public string UserName { get; } = userName;

    public string Password { get; } = password;

    public override string? LogName => UserName;
}

/// <summary>EXTERNAL (RFC 4422 appendix A): the TLS client certificate speaks; the client only names a mailbox, or none.</summary>
public sealed class ExternalCredentials(string? authorizationId) : SaslCredentials(SaslMechanismNames.External, authorizationId)
{
    public override string? LogName => AuthorizationId;
}

/// <summary>XOAUTH2 and OAUTHBEARER (RFC 7628): an OAuth 2.0 bearer token and the mailbox to act as.</summary>
public sealed class BearerCredentials(string mechanism, string? authorizationId, string token) : SaslCredentials(mechanism, authorizationId)
{
    public string Token { get; } = token;

    public override string? LogName => AuthorizationId;
}
