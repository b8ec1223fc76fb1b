// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Security;

namespace Caducee.MsSante.Trust;

/// <summary>
/// The CRLs held by a <see cref="CrlStore"/> as the revocation hook of client-certificate authentication
/// (SASL EXTERNAL with a CPS or organisation certificate, REQ-09/14/16): the same CRLs the MX uses.
/// </summary>
public sealed class CrlRevocationCheck(CertificateTrust trust, IRevocationChecker crls) : IRevocationCheck
{
    public ValueTask<Core.Security.RevocationStatus> CheckAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        var (check, chain) = trust.ValidateChain(certificate, X509KeyUsagePurpose.ClientAuth);
        try
        {
            if (!check.IsValid)
            {
                // Chain problems are reported by the caller's own validation; revocation cannot be decided.
                return ValueTask.FromResult(Core.Security.RevocationStatus.Unknown);
            }

            return ValueTask.FromResult(crls.Check(chain).State switch
            {
                RevocationState.Good => Core.Security.RevocationStatus.Good,
                RevocationState.Revoked => Core.Security.RevocationStatus.Revoked,
                _ => Core.Security.RevocationStatus.Unknown,
            });
        }
        finally
        {
            foreach (var c in chain)
            {
                c.Dispose();
            }
        }
    }
}
