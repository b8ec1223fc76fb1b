// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography.X509Certificates;

namespace Caducee.Core.Security;

/// <summary>What a revocation source says about a certificate (REQ-09).</summary>
public enum RevocationStatus
{
    Good,
    Revoked,
    /// <summary>No usable CRL (none fetched yet, or the last good one expired): decide nothing, answer a temporary failure.</summary>
    Unknown,
}

/// <summary>
/// The revocation hook of client-certificate authentication (EXTERNAL). The CRL component with its cache of
/// the last good CRL plugs in here; <see cref="RevocationNotChecked"/> is the placeholder until it lands.
/// </summary>
public interface IRevocationCheck
{
    ValueTask<RevocationStatus> CheckAsync(X509Certificate2 certificate, CancellationToken cancellationToken);
}

/// <summary>No revocation source configured: every chain-valid certificate is taken as good. Replace with the CRL component.</summary>
public sealed class RevocationNotChecked : IRevocationCheck
{
    public static readonly RevocationNotChecked Instance = new();

    public ValueTask<RevocationStatus> CheckAsync(X509Certificate2 certificate, CancellationToken cancellationToken) =>
        ValueTask.FromResult(RevocationStatus.Good);
}
