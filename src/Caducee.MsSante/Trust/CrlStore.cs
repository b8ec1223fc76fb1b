// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Caducee.Core.Security;

namespace Caducee.MsSante.Trust;

/// <summary>Whether a certificate is revoked, as far as the CRLs held can tell.</summary>
public enum RevocationState
{
    /// <summary>Covered by a current CRL of its issuer and not listed.</summary>
    Good,
    /// <summary>Listed by a current CRL of its issuer.</summary>
    Revoked,
    /// <summary>No usable CRL of its issuer: never obtained, or expired past its nextUpdate.</summary>
    Unknown,
}

/// <summary>A revocation answer with a text the peer can act on.</summary>
public sealed record RevocationStatus(RevocationState State, string Detail)
{
    public static readonly RevocationStatus Good = new(RevocationState.Good, "not revoked");
}

/// <summary>Checks a validated chain (leaf first, anchor last) for revocation.</summary>
public interface IRevocationChecker
{
    RevocationStatus Check(IReadOnlyList<X509Certificate2> chain);
}

/// <summary>Facts about a CRL held (for logs and health).</summary>
public sealed record CrlFactsHeld(string Issuer, DateTimeOffset ThisUpdate, DateTimeOffset? NextUpdate, string? Number, int RevokedCount, string Source);

/// <summary>
/// The CRLs of the trust anchors' authorities (REQ-09): one last good CRL per issuing CA, verified against
/// that CA's key before it replaces the previous one, kept on disk so a restart without network still has
/// it (SC.MSS/CONF.22). A CRL is usable until its nextUpdate. The leaf certificate must be covered by a
/// usable CRL of its issuer (else the answer is "unknown", which the policy turns into a 451); an
/// intermediate is checked when a CRL of its own issuer has been obtained.
/// </summary>
public sealed class CrlStore : IRevocationChecker
{
    /// <summary>A CRL dated this far in the future is refused (clock skew tolerated).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private readonly X509Certificate2[] _authorities;
    private readonly string? _cacheDirectory;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private volatile Dictionary<string, (CertificateRevocationList Crl, string Source)> _held = new(StringComparer.Ordinal);

    public CrlStore(CertificateTrust trust, string? cacheDirectory, TimeProvider? clock = null)
    {
        _authorities = [.. trust.Roots, .. trust.Intermediates];
        _cacheDirectory = cacheDirectory;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The CRLs held, one per authority.</summary>
    public IReadOnlyList<CrlFactsHeld> Held =>
        [.. _held.Values.Select(h => new CrlFactsHeld(h.Crl.Issuer.Name, h.Crl.ThisUpdate, h.Crl.NextUpdate, h.Crl.Number?.ToString(CultureInfo.InvariantCulture), h.Crl.RevokedCount, h.Source))];

    /// <summary>The earliest nextUpdate among the CRLs held (when a refresh is due), if any.</summary>
    public DateTimeOffset? EarliestNextUpdate => _held.Values.Select(h => h.Crl.NextUpdate).Where(n => n is not null).Min();

    /// <summary>Loads the CRLs cached on disk, verifying each again. Returns how many were loaded.</summary>
    public int LoadCache()
    {
        if (_cacheDirectory is null || !Directory.Exists(_cacheDirectory))
        {
            return 0;
        }

        var loaded = 0;
        foreach (var file in Directory.EnumerateFiles(_cacheDirectory, "*.crl"))
        {
            if (Apply(File.ReadAllBytes(file), "cache " + Path.GetFileName(file), persist: false) is null)
            {
                loaded++;
            }
        }

        return loaded;
    }

    /// <summary>
    /// Verifies <paramref name="der"/> and makes it the CRL in force for its issuer. Returns null on success,
    /// else why it was refused (the CRL in force stays).
    /// </summary>
    public string? TryApply(byte[] der, string source) => Apply(der, source, persist: true);

    public RevocationStatus Check(IReadOnlyList<X509Certificate2> chain)
    {
        var held = _held;
        var now = _clock.GetUtcNow();
        for (var i = 0; i + 1 < chain.Count; i++)
        {
            var certificate = chain[i];
            var issuer = chain[i + 1];
            if (!held.TryGetValue(Key(issuer), out var entry))
            {
                if (i == 0)
                {
                    return new RevocationStatus(RevocationState.Unknown, $"no CRL of '{CommonName(issuer)}' has been obtained yet");
                }

                continue;
            }

            var crl = entry.Crl;
            if (!IsCurrent(crl, now))
            {
                return new RevocationStatus(RevocationState.Unknown, $"the CRL of '{CommonName(issuer)}' expired at {crl.NextUpdate?.ToString("u", CultureInfo.InvariantCulture) ?? "(no nextUpdate)"} and no newer one could be obtained");
            }

            if (crl.Find(certificate.SerialNumber) is { } revoked)
            {
                var reason = revoked.Reason is { } r ? $", reason {r}" : string.Empty;
                var which = i == 0 ? "certificate" : $"issuing authority '{CommonName(certificate)}'";
                return new RevocationStatus(
                    RevocationState.Revoked,
                    $"{which} serial {certificate.SerialNumber} revoked on {revoked.RevokedAt.ToString("u", CultureInfo.InvariantCulture)}{reason} (CRL of '{CommonName(issuer)}')");
            }
        }

        return RevocationStatus.Good;
    }

    private static bool IsCurrent(CertificateRevocationList crl, DateTimeOffset now) =>
        crl.NextUpdate is { } next && now <= next;

    private string? Apply(byte[] der, string source, bool persist)
    {
        if (!CertificateRevocationList.TryParse(der, out var crl, out var error))
        {
            return error;
        }

        var issuer = _authorities.FirstOrDefault(a => crl!.IsSignedBy(a));
        if (issuer is null)
        {
            return $"the CRL of '{crl!.Issuer.Name}' is not signed by an authority of the trust bundle";
        }

        var now = _clock.GetUtcNow();
        if (crl!.ThisUpdate > now + MaxClockSkew)
        {
            return $"the CRL of '{CommonName(issuer)}' is dated {crl.ThisUpdate:u}, in the future";
        }

        if (crl.NextUpdate is null)
        {
            return $"the CRL of '{CommonName(issuer)}' has no nextUpdate; it cannot be known when it stops being valid";
        }

        var key = Key(issuer);
        lock (_gate)
        {
            if (_held.TryGetValue(key, out var current))
            {
                // Never go back to an older list: a replayed CRL could hide a revocation.
                if (crl.Number < current.Crl.Number || crl.ThisUpdate < current.Crl.ThisUpdate)
                {
                    return $"the CRL of '{CommonName(issuer)}' from {source} (number {crl.Number}, {crl.ThisUpdate:u}) is older than the one held (number {current.Crl.Number}, {current.Crl.ThisUpdate:u}); kept the one held";
                }

                if (crl.Der.AsSpan().SequenceEqual(current.Crl.Der))
                {
                    return null;
                }
            }

            if (persist && _cacheDirectory is not null)
            {
                Persist(key, der);
            }

            var next = new Dictionary<string, (CertificateRevocationList, string)>(_held, StringComparer.Ordinal) { [key] = (crl, source) };
            _held = next;
        }

        return null;
    }

    private void Persist(string key, byte[] der)
    {
        Directory.CreateDirectory(_cacheDirectory!);
        var path = Path.Combine(_cacheDirectory!, key + ".crl");
        var temp = path + ".tmp";
        using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            fs.Write(der);
            fs.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    // One CRL per authority: its name and key.
    private static string Key(X509Certificate2 authority)
    {
        var ski = authority.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifierBytes.ToArray() ?? [];
        return Convert.ToHexStringLower(SHA256.HashData([.. authority.SubjectName.RawData, .. ski]))[..32];
    }

    private static string CommonName(X509Certificate2 certificate) => certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
}
