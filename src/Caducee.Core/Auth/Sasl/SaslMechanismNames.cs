// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Auth.Sasl;

/// <summary>The SASL mechanisms this server knows (IANA names).</summary>
public static class SaslMechanismNames
{
    /// <summary>RFC 4616.</summary>
    public const string Plain = "PLAIN";

    /// <summary>The de-facto LOGIN mechanism (draft-murchison-sasl-login); SMTP only.</summary>
    public const string Login = "LOGIN";

    /// <summary>RFC 4422 appendix A: the TLS client certificate.</summary>
    public const string External = "EXTERNAL";

    /// <summary>Google/Microsoft's OAuth 2.0 mechanism, the one MSSanté's API LPS names (REQ-13).</summary>
    public const string XOAuth2 = "XOAUTH2";

    /// <summary>RFC 7628.</summary>
    public const string OAuthBearer = "OAUTHBEARER";
}

/// <summary>Which protocol carries the exchange: the mechanism lists differ (LOGIN is SMTP only).</summary>
public enum AuthProtocol
{
    Smtp,
    Imap,
}
