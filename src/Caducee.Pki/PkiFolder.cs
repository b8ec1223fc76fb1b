// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Net;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Caducee.Pki;

/// <summary>A PKI administration request that cannot be carried out (the message says what to do).</summary>
public sealed class PkiException(string message) : Exception(message)
{
    public PkiException()
        : this("PKI error")
    {
    }

    public PkiException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}

/// <summary>One certificate issued by the folder's "organisations" CA, as the index records it.</summary>
public sealed record IssuedCertificate(
    string Name,
    string SerialHex,
    string Profile,
    string SubjectBase64,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset? RevokedAt = null,
    string? RevocationReason = null)
{
    /// <summary>The encoded subject.</summary>
    [JsonIgnore]
    public X500DistinguishedName Subject => new(Convert.FromBase64String(SubjectBase64));

    [JsonIgnore]
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>Facts about the CRL in force.</summary>
public sealed record CrlFacts(BigInteger Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate, int RevokedCount, string Path);

/// <summary>
/// A test IGC-Santé on disk (issue 7), administered by `caducee pki`: <c>root.pem/.key</c>,
/// <c>organisations.pem/.key</c>, the bundle (<c>ca-bundle.pem</c>, <c>ca-bundle.p7b</c>), the CRL of the
/// organisations CA (<c>organisations.crl</c>), the certificates issued (<c>NAME.pem</c>, <c>NAME.key</c>)
/// and <c>index.json</c>, which lists issued and revoked serials and the last CRL number. The file names
/// are those <c>DemoPki</c> uses, so a demo PKI can be administered too (its index starts empty).
/// </summary>
public sealed class PkiFolder : IDisposable
{
    /// <summary>How long a CRL is valid.</summary>
    public static readonly TimeSpan CrlValidity = TimeSpan.FromDays(7);

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly HashSet<string> s_reserved = new(StringComparer.OrdinalIgnoreCase) { "root", "organisations", "ca-bundle", "index" };

    private readonly CertificateAuthority _organisations;
    private PkiIndex _index;

    private PkiFolder(string directory, CertificateAuthority organisations, PkiIndex index)
    {
        Directory = directory;
        _organisations = organisations;
        _index = index;
    }

    public string Directory { get; }

    public string RootCertificate => Path.Combine(Directory, "root.pem");

    public string OrganisationsCertificate => Path.Combine(Directory, "organisations.pem");

    public string BundlePem => Path.Combine(Directory, "ca-bundle.pem");

    public string BundleP7b => Path.Combine(Directory, "ca-bundle.p7b");

    public string Crl => Path.Combine(Directory, "organisations.crl");

    public string IndexFile => Path.Combine(Directory, "index.json");

    /// <summary>The organisations CA's certificate.</summary>
    public X509Certificate2 Organisations => _organisations.Certificate;

    /// <summary>The root certificate.</summary>
    public X509Certificate2 Root => _organisations.Issuer!;

    /// <summary>The certificates issued, in issue order.</summary>
    public IReadOnlyList<IssuedCertificate> Issued => _index.Certificates;

    /// <summary>True when <paramref name="directory"/> already holds a PKI.</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, "organisations.key")) || File.Exists(Path.Combine(directory, "root.key"));

    /// <summary>Creates root, organisations CA, bundles and an empty CRL (number 1). Refuses an existing PKI unless <paramref name="force"/>.</summary>
    public static PkiFolder Create(string directory, bool force, string organisation = "CADUCEE TEST")
    {
        var full = Path.GetFullPath(directory);
        if (Exists(full) && !force)
        {
            throw new PkiException($"a PKI already exists in {full}; use --force to replace it (every certificate it issued becomes untrusted)");
        }

        System.IO.Directory.CreateDirectory(full);
        RemoveIssuedFiles(full);
        using var root = CertificateAuthority.CreateRoot(NationalNames.Root(organisation));
        PemFiles.Write(root.Certificate, Path.Combine(full, "root.pem"), Path.Combine(full, "root.key"));
        var org = root.CreateIntermediate(NationalNames.Organisations(organisation));
        PemFiles.Write(org.Certificate, Path.Combine(full, "organisations.pem"), Path.Combine(full, "organisations.key"));
        PemFiles.WriteBundle([root.Certificate, org.Certificate], Path.Combine(full, "ca-bundle.pem"));
        File.WriteAllBytes(Path.Combine(full, "ca-bundle.p7b"), PemFiles.ToP7b([root.Certificate, org.Certificate]));
        org.Dispose();
        var folder = Open(full, new PkiIndex());
        folder.WriteCrl();
        return folder;
    }

    /// <summary>Opens the PKI in <paramref name="directory"/>.</summary>
    public static PkiFolder Open(string directory) => Open(Path.GetFullPath(directory), null);

    /// <summary>Validates a certificate name (it becomes NAME.pem and NAME.key).</summary>
    public static string? CheckName(string name)
    {
        if (name.Length is 0 or > 64 || !char.IsAsciiLetterOrDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            return $"'{name}' is not a certificate name; expected letters, digits, '.', '-' or '_' (up to 64, starting with a letter or digit), e.g. mx-hopital-nord";
        }

        return s_reserved.Contains(name) || name.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".key", StringComparison.OrdinalIgnoreCase)
            ? $"'{name}' is reserved for the authority's own files; choose another name"
            : null;
    }

    /// <summary>Issues a certificate, writes NAME.pem and NAME.key (0600) and records it.</summary>
    public IssuedCertificate Issue(
        string name,
        X500DistinguishedName subject,
        CertificateProfile profile,
        IEnumerable<string>? dnsNames = null,
        IEnumerable<IPAddress>? addresses = null,
        string? email = null,
        int days = 1095)
    {
        if (CheckName(name) is { } error)
        {
            throw new PkiException(error);
        }

        var certPath = Path.Combine(Directory, name + ".pem");
        if (File.Exists(certPath) || _index.Certificates.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new PkiException($"a certificate named '{name}' already exists in {Directory}; choose another name");
        }

        using var cert = _organisations.Issue(subject, profile, dnsNames, addresses, email, notAfter: DateTimeOffset.UtcNow.AddDays(days));
        PemFiles.Write(cert, certPath, Path.Combine(Directory, name + ".key"));
        var issued = new IssuedCertificate(
            name,
            cert.SerialNumber.ToUpperInvariant(),
            ProfileName(profile),
            Convert.ToBase64String(cert.SubjectName.RawData),
            new DateTimeOffset(cert.NotBefore.ToUniversalTime()),
            new DateTimeOffset(cert.NotAfter.ToUniversalTime()));
        _index = _index with { Certificates = [.. _index.Certificates, issued] };
        SaveIndex();
        return issued;
    }

    /// <summary>Finds a certificate by name, or by serial (hex, any case, leading zeros ignored).</summary>
    public IssuedCertificate? Find(string nameOrSerial)
    {
        var byName = _index.Certificates.FirstOrDefault(c => string.Equals(c.Name, nameOrSerial, StringComparison.OrdinalIgnoreCase));
        if (byName is not null)
        {
            return byName;
        }

        var serial = NormaliseSerial(nameOrSerial);
        return serial is null ? null : _index.Certificates.FirstOrDefault(c => NormaliseSerial(c.SerialHex) == serial);
    }

    /// <summary>Records the revocation of a certificate and regenerates the CRL with the next number.</summary>
    public (IssuedCertificate Certificate, CrlFacts Crl) Revoke(string nameOrSerial, X509RevocationReason? reason)
    {
        var found = Find(nameOrSerial) ?? throw new PkiException($"no certificate '{nameOrSerial}' in {IndexFile}; 'caducee pki show --dir {Directory}' lists them");
        if (found.IsRevoked)
        {
            throw new PkiException($"certificate '{found.Name}' (serial {found.SerialHex}) is already revoked since {found.RevokedAt:yyyy-MM-dd HH:mm:ss}Z");
        }

        var revoked = found with
        {
            RevokedAt = TruncateToSeconds(DateTimeOffset.UtcNow),
            RevocationReason = reason?.ToString(),
        };
        _index = _index with { Certificates = [.. _index.Certificates.Select(c => ReferenceEquals(c, found) ? revoked : c)] };
        SaveIndex();
        return (revoked, WriteCrl());
    }

    /// <summary>Writes a fresh CRL (number = last + 1, valid <see cref="CrlValidity"/>) listing every revoked certificate.</summary>
    public CrlFacts WriteCrl()
    {
        var now = TruncateToSeconds(DateTimeOffset.UtcNow);
        var last = new BigInteger(_index.CrlNumber);
        if (File.Exists(Crl))
        {
            try
            {
                _ = CertificateRevocationListBuilder.Load(File.ReadAllBytes(Crl), out var onDisk);
                last = BigInteger.Max(last, onDisk);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // An unreadable CRL is replaced; numbering goes on from the index.
            }
        }

        var number = last + 1;
        var next = now + CrlValidity;
        var entries = _index.Certificates
            .Where(c => c.IsRevoked)
            .Select(c => new RevokedSerial(c.SerialHex, c.RevokedAt!.Value, ParseReason(c.RevocationReason)))
            .ToList();
        var crl = _organisations.BuildRevocationList(entries, number, now, next);
        var temp = Crl + ".tmp";
        File.WriteAllBytes(temp, crl);
        File.Move(temp, Crl, overwrite: true);
        _index = _index with { CrlNumber = (long)number, CrlThisUpdate = now, CrlNextUpdate = next };
        SaveIndex();
        return new CrlFacts(number, now, next, entries.Count, Crl);
    }

    /// <summary>Facts about the CRL on disk (number read from the CRL itself).</summary>
    public CrlFacts? ReadCrl()
    {
        if (!File.Exists(Crl))
        {
            return null;
        }

        _ = CertificateRevocationListBuilder.Load(File.ReadAllBytes(Crl), out var number);
        var revokedCount = _index.Certificates.Count(c => c.IsRevoked);
        return new CrlFacts(number, _index.CrlThisUpdate ?? DateTimeOffset.MinValue, _index.CrlNextUpdate ?? DateTimeOffset.MinValue, revokedCount, Crl);
    }

    /// <summary>Parses a revocation reason as the CLI spells it (key-compromise, superseded…).</summary>
    public static X509RevocationReason? ParseReason(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var compact = text.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        return Enum.TryParse<X509RevocationReason>(compact, ignoreCase: true, out var reason) && Enum.IsDefined(reason) && !int.TryParse(compact, out _)
            ? reason
            : throw new PkiException($"'{text}' is not a revocation reason; expected one of {string.Join(", ", ReasonNames)}");
    }

    /// <summary>The revocation reasons, as the CLI spells them.</summary>
    public static IReadOnlyList<string> ReasonNames { get; } =
        ["unspecified", "key-compromise", "ca-compromise", "affiliation-changed", "superseded", "cessation-of-operation", "certificate-hold", "privilege-withdrawn"];

    public void Dispose() => _organisations.Dispose();

    private static PkiFolder Open(string full, PkiIndex? index)
    {
        var orgCert = Path.Combine(full, "organisations.pem");
        var orgKey = Path.Combine(full, "organisations.key");
        var rootCert = Path.Combine(full, "root.pem");
        if (!File.Exists(orgCert) || !File.Exists(orgKey) || !File.Exists(rootCert))
        {
            throw new PkiException($"no PKI in {full}; run 'caducee pki init --dir {full}' first");
        }

        var indexPath = Path.Combine(full, "index.json");
        if (index is null)
        {
            try
            {
                index = File.Exists(indexPath) ? JsonSerializer.Deserialize<PkiIndex>(File.ReadAllText(indexPath), s_json) ?? new PkiIndex() : new PkiIndex();
            }
            catch (JsonException ex)
            {
                throw new PkiException($"{indexPath} is not a valid PKI index", ex);
            }
        }

        var organisations = new CertificateAuthority(PemFiles.Load(orgCert, orgKey), PemFiles.LoadPublic(rootCert));
        return new PkiFolder(full, organisations, Adopt(full, index, organisations.Certificate));
    }

    /// <summary>
    /// Adds to the index (in memory; saved with the next change) the certificates of the folder that the
    /// organisations CA issued without the index knowing, e.g. those <c>DemoPki</c> wrote, so that
    /// `pki show` lists them and `pki revoke` can revoke them.
    /// </summary>
    private static PkiIndex Adopt(string full, PkiIndex index, X509Certificate2 organisations)
    {
        var known = new HashSet<string>(index.Certificates.Select(c => c.Name), StringComparer.OrdinalIgnoreCase);
        var adopted = new List<IssuedCertificate>();
        ReadOnlyMemory<byte>? ski = organisations.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifierBytes;
        foreach (var file in System.IO.Directory.EnumerateFiles(full, "*.pem"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (known.Contains(name) || CheckName(name) is not null)
            {
                continue;
            }

            try
            {
                using var cert = PemFiles.LoadPublic(file);
                // Same issuer name and key: a replaced authority (pki init --force) had the same name.
                var aki = cert.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier;
                if (!cert.IssuerName.RawData.AsSpan().SequenceEqual(organisations.SubjectName.RawData)
                    || aki is null || ski is null || !aki.Value.Span.SequenceEqual(ski.Value.Span))
                {
                    continue;
                }

                var eku = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault();
                var isServer = eku?.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(o => o.Value == "1.3.6.1.5.5.7.3.1") == true;
                var isPersonal = cert.SubjectName.EnumerateRelativeDistinguishedNames().Any(r => r.GetSingleElementType().Value == "2.5.4.5");
                adopted.Add(new IssuedCertificate(
                    name,
                    cert.SerialNumber.ToUpperInvariant(),
                    ProfileName(isServer ? CertificateProfile.Server : isPersonal ? CertificateProfile.PersonalClient : CertificateProfile.OrganisationClient),
                    Convert.ToBase64String(cert.SubjectName.RawData),
                    new DateTimeOffset(cert.NotBefore.ToUniversalTime()),
                    new DateTimeOffset(cert.NotAfter.ToUniversalTime())));
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // Not a certificate: not ours to list.
            }
        }

        return adopted.Count == 0
            ? index
            : index with { Certificates = [.. index.Certificates, .. adopted.OrderBy(c => c.NotBefore).ThenBy(c => c.Name, StringComparer.Ordinal)] };
    }

    /// <summary>With --force: the certificates the replaced authority issued are removed with its index (nothing trusts them any more).</summary>
    private static void RemoveIssuedFiles(string full)
    {
        var indexPath = Path.Combine(full, "index.json");
        if (!File.Exists(indexPath))
        {
            return;
        }

        PkiIndex? old;
        try
        {
            old = JsonSerializer.Deserialize<PkiIndex>(File.ReadAllText(indexPath), s_json);
        }
        catch (JsonException)
        {
            old = null;
        }

        foreach (var c in old?.Certificates ?? [])
        {
            if (CheckName(c.Name) is null)
            {
                File.Delete(Path.Combine(full, c.Name + ".pem"));
                File.Delete(Path.Combine(full, c.Name + ".key"));
            }
        }

        File.Delete(indexPath);
        File.Delete(Path.Combine(full, "organisations.crl"));
    }

    private void SaveIndex()
    {
        var temp = IndexFile + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(_index, s_json));
        File.Move(temp, IndexFile, overwrite: true);
    }

    private static string ProfileName(CertificateProfile profile) => profile switch
    {
        CertificateProfile.Server => "server",
        CertificateProfile.OrganisationClient => "organisation",
        _ => "personal",
    };

    private static string? NormaliseSerial(string text)
    {
        var hex = text.Replace(":", string.Empty, StringComparison.Ordinal).Trim();
        if (hex.Length == 0 || !hex.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        var trimmed = hex.TrimStart('0').ToUpperInvariant();
        return trimmed.Length == 0 ? "0" : trimmed;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Offset);

    /// <summary>index.json.</summary>
    internal sealed record PkiIndex
    {
        public long CrlNumber { get; init; }

        public DateTimeOffset? CrlThisUpdate { get; init; }

        public DateTimeOffset? CrlNextUpdate { get; init; }

        public IReadOnlyList<IssuedCertificate> Certificates { get; init; } = [];
    }
}

/// <summary>Formatting helpers shared by the CLI.</summary>
public static class PkiText
{
    public static string Date(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
