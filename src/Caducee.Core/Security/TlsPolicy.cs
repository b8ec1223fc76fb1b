// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Caducee.Core.Security;

/// <summary>
/// The TLS floor of every listener and outbound connection (REQ-10): TLS 1.2 and 1.3 only, and on
/// TLS 1.2 an allow-list of ECDHE suites with AES-GCM or ChaCha20-Poly1305 (ANSSI-grade AEAD with
/// forward secrecy). The list is configurable; this is its default.
/// </summary>
public sealed class TlsPolicy
{
    public static readonly IReadOnlyList<TlsCipherSuite> DefaultCipherSuites =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    public TlsPolicy(IReadOnlyList<TlsCipherSuite>? cipherSuites = null)
    {
        CipherSuites = cipherSuites ?? DefaultCipherSuites;
    }

    /// <summary>
    /// Reads a configured allow-list (REQ-10, SC.MSS/CONF.03): IANA names as .NET spells them
    /// (<c>TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384</c>). Only suites with forward secrecy and an AEAD cipher
    /// are accepted: the TLS 1.3 AES-GCM and ChaCha20-Poly1305 suites, and on TLS 1.2 ECDHE with AES-GCM or
    /// ChaCha20-Poly1305. On failure <paramref name="error"/> names the first bad suite and says what is expected.
    /// </summary>
    public static bool TryParseCipherSuites(IEnumerable<string> names, out IReadOnlyList<TlsCipherSuite> suites, out string? error)
    {
        var list = new List<TlsCipherSuite>();
        suites = list;
        error = null;
        foreach (var raw in names)
        {
            var name = raw.Trim();
            if (name.Length == 0)
            {
                continue;
            }

            if (!name.StartsWith("TLS_", StringComparison.Ordinal) || !Enum.TryParse<TlsCipherSuite>(name, ignoreCase: false, out var suite) || !Enum.IsDefined(suite))
            {
                error = $"'{name}' is not a TLS cipher suite name; expected IANA names such as TLS_AES_256_GCM_SHA384 or TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (not OpenSSL names such as ECDHE-ECDSA-AES256-GCM-SHA384)";
                return false;
            }

            if (!IsAllowed(name))
            {
                error = $"'{name}' is not allowed: only suites with forward secrecy and authenticated encryption are (TLS 1.3 TLS_AES_*_GCM_* and TLS_CHACHA20_POLY1305_SHA256; TLS 1.2 TLS_ECDHE_*_WITH_AES_*_GCM_* and TLS_ECDHE_*_WITH_CHACHA20_POLY1305_SHA256)";
                return false;
            }

            if (!list.Contains(suite))
            {
                list.Add(suite);
            }
        }

        if (list.Count == 0)
        {
            error = "the list is empty; give at least one suite, e.g. TLS_AES_256_GCM_SHA384";
            return false;
        }

        return true;
    }

    private static bool IsAllowed(string name)
    {
        var aead = name.Contains("_GCM_", StringComparison.Ordinal) || name.EndsWith("_CHACHA20_POLY1305_SHA256", StringComparison.Ordinal);
        var tls13 = name.StartsWith("TLS_AES_", StringComparison.Ordinal) || name.StartsWith("TLS_CHACHA20_", StringComparison.Ordinal);
        var ecdhe = name.StartsWith("TLS_ECDHE_ECDSA_WITH_", StringComparison.Ordinal) || name.StartsWith("TLS_ECDHE_RSA_WITH_", StringComparison.Ordinal);
        return aead && (tls13 || ecdhe);
    }

    /// <summary>TLS 1.2 and 1.3; never older.</summary>
    public static SslProtocols Protocols => SslProtocols.Tls12 | SslProtocols.Tls13;

    public IReadOnlyList<TlsCipherSuite> CipherSuites { get; }

    /// <summary>Cipher-suite policies are supported on Linux (OpenSSL) and macOS, not on Windows.</summary>
    private CipherSuitesPolicy? CreateCipherPolicy() =>
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? new CipherSuitesPolicy(CipherSuites) : null;

    /// <summary>Server-side options. The client certificate, when requested, is validated by policy hooks, not by TLS.</summary>
    public SslServerAuthenticationOptions ServerOptions(SslStreamCertificateContext certificate, bool requestClientCertificate) => new()
    {
        ServerCertificateContext = certificate,
        EnabledSslProtocols = Protocols,
        CipherSuitesPolicy = CreateCipherPolicy(),
        ClientCertificateRequired = requestClientCertificate,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        // Accept whatever the client presents at the TLS layer: the trust policy then answers with an SMTP
        // or IMAP reply that says what is wrong, rather than a bare TLS alert the peer cannot read.
#pragma warning disable CA5359 // Client certificates are validated by the trust policy with a readable reply (see above).
        RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
        AllowRenegotiation = false,
    };

    /// <summary>Client-side options: the server certificate must chain to <paramref name="trustAnchors"/> and match the name.</summary>
    public SslClientAuthenticationOptions ClientOptions(string targetHost, CertificateTrust trustAnchors, SslStreamCertificateContext? clientCertificate) => new()
    {
        TargetHost = targetHost,
        EnabledSslProtocols = Protocols,
        CipherSuitesPolicy = CreateCipherPolicy(),
        ClientCertificateContext = clientCertificate,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return false;
            }

            using var cert = new X509Certificate2(certificate);
            return trustAnchors.Validate(cert, X509KeyUsagePurpose.ServerAuth).IsValid;
        },
        AllowRenegotiation = false,
    };
}
