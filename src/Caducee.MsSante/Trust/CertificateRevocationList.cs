// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Caducee.MsSante.Trust;

/// <summary>A certificate listed in a CRL.</summary>
public sealed record RevokedEntry(DateTimeOffset RevokedAt, X509RevocationReason? Reason);

/// <summary>
/// An X.509 v2 CRL (RFC 5280 §5) read from DER, with what the trust policy needs: issuer, dates, number,
/// authority key id and the revoked serial numbers. <see cref="TryParse"/> only reads; the signature is
/// checked against a CA certificate with <see cref="IsSignedBy"/>. CRLs with critical extensions this
/// reader does not understand (delta CRLs, partitioned CRLs) are refused rather than half-read.
/// </summary>
public sealed class CertificateRevocationList
{
    private const string CrlNumberOid = "2.5.29.20";
    private const string AuthorityKeyIdOid = "2.5.29.35";
    private const string ReasonCodeOid = "2.5.29.21";

    private readonly Dictionary<string, RevokedEntry> _revoked;
    private readonly byte[] _tbs;
    private readonly byte[] _signature;
    private readonly string _signatureAlgorithm;

    private CertificateRevocationList(byte[] der, X500DistinguishedName issuer, DateTimeOffset thisUpdate, DateTimeOffset? nextUpdate, BigInteger? number, byte[]? authorityKeyId, Dictionary<string, RevokedEntry> revoked, byte[] tbs, string signatureAlgorithm, byte[] signature)
    {
        Der = der;
        Issuer = issuer;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        Number = number;
        AuthorityKeyId = authorityKeyId;
        _revoked = revoked;
        _tbs = tbs;
        _signatureAlgorithm = signatureAlgorithm;
        _signature = signature;
    }

    /// <summary>The CRL as received.</summary>
    public byte[] Der { get; }

    public X500DistinguishedName Issuer { get; }

    public DateTimeOffset ThisUpdate { get; }

    /// <summary>When the next CRL is due; past it this one is no longer usable (REQ-09).</summary>
    public DateTimeOffset? NextUpdate { get; }

    /// <summary>The cRLNumber extension, which only grows.</summary>
    public BigInteger? Number { get; }

    /// <summary>The authorityKeyIdentifier's key id: the subject key id of the CA that signed.</summary>
    public byte[]? AuthorityKeyId { get; }

    public int RevokedCount => _revoked.Count;

    /// <summary>The entry for a serial number (hex, big-endian, leading zeros ignored), if revoked.</summary>
    public RevokedEntry? Find(string serialHex) => _revoked.GetValueOrDefault(NormaliseSerial(serialHex));

    /// <summary>Reads a DER CRL; false with the reason when it is not one this reader accepts.</summary>
    public static bool TryParse(byte[] der, out CertificateRevocationList? crl, out string? error)
    {
        crl = null;
        try
        {
            crl = Parse(der, out error);
            return crl is not null;
        }
        catch (AsnContentException ex)
        {
            error = "not a DER-encoded CRL: " + ex.Message;
            return false;
        }
        catch (CryptographicException ex)
        {
            error = "not a DER-encoded CRL: " + ex.Message;
            return false;
        }
    }

    /// <summary>True when <paramref name="issuer"/> (a CA certificate) is the issuer named by this CRL and its key signed it.</summary>
    public bool IsSignedBy(X509Certificate2 issuer)
    {
        if (!issuer.SubjectName.RawData.AsSpan().SequenceEqual(Issuer.RawData))
        {
            return false;
        }

        if (AuthorityKeyId is not null)
        {
            var ski = issuer.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault();
            if (ski is not null && !ski.SubjectKeyIdentifierBytes.Span.SequenceEqual(AuthorityKeyId))
            {
                return false;
            }
        }

        try
        {
            switch (_signatureAlgorithm)
            {
                case "1.2.840.10045.4.3.2":
                case "1.2.840.10045.4.3.3":
                case "1.2.840.10045.4.3.4":
                    {
                        using var ecdsa = issuer.GetECDsaPublicKey();
                        return ecdsa is not null && ecdsa.VerifyData(_tbs, _signature, Hash(_signatureAlgorithm), DSASignatureFormat.Rfc3279DerSequence);
                    }

                case "1.2.840.113549.1.1.11":
                case "1.2.840.113549.1.1.12":
                case "1.2.840.113549.1.1.13":
                    {
                        using var rsa = issuer.GetRSAPublicKey();
                        return rsa is not null && rsa.VerifyData(_tbs, _signature, Hash(_signatureAlgorithm), RSASignaturePadding.Pkcs1);
                    }

                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Hex, upper case, without leading zeros: the form serial numbers are compared in.</summary>
    public static string NormaliseSerial(string hex)
    {
        var trimmed = hex.Replace(":", string.Empty, StringComparison.Ordinal).Trim().TrimStart('0').ToUpperInvariant();
        return trimmed.Length == 0 ? "0" : trimmed;
    }

    private static HashAlgorithmName Hash(string oid) => s_signatureAlgorithms[oid];

    // ecdsa-with-SHA256/384/512 (RFC 5758) and sha256/384/512WithRSAEncryption (RFC 4055); SHA-1 is refused.
    private static readonly Dictionary<string, HashAlgorithmName> s_signatureAlgorithms = new(StringComparer.Ordinal)
    {
        ["1.2.840.10045.4.3.2"] = HashAlgorithmName.SHA256,
        ["1.2.840.10045.4.3.3"] = HashAlgorithmName.SHA384,
        ["1.2.840.10045.4.3.4"] = HashAlgorithmName.SHA512,
        ["1.2.840.113549.1.1.11"] = HashAlgorithmName.SHA256,
        ["1.2.840.113549.1.1.12"] = HashAlgorithmName.SHA384,
        ["1.2.840.113549.1.1.13"] = HashAlgorithmName.SHA512,
    };

    // CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
    private static CertificateRevocationList? Parse(byte[] der, out string? error)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var certList = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var tbs = certList.ReadEncodedValue().ToArray();
        var algorithm = ReadAlgorithm(certList);
        var signature = certList.ReadBitString(out var unusedBits);
        certList.ThrowIfNotEmpty();
        if (unusedBits != 0)
        {
            error = "malformed signature";
            return null;
        }

        if (!s_signatureAlgorithms.ContainsKey(algorithm))
        {
            error = $"signature algorithm {algorithm} is not supported (ECDSA or RSA PKCS#1 with SHA-256/384/512 expected)";
            return null;
        }

        // TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL (v2 = 1), signature AlgorithmIdentifier, issuer Name,
        //   thisUpdate Time, nextUpdate Time OPTIONAL, revokedCertificates SEQUENCE OF … OPTIONAL, crlExtensions [0] EXPLICIT Extensions OPTIONAL }
        var t = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        if (t.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            if (!t.TryReadInt32(out var version) || version != 1)
            {
                error = "only X.509 v2 CRLs are supported";
                return null;
            }
        }

        if (ReadAlgorithm(t) != algorithm)
        {
            error = "the signature algorithm inside the CRL differs from the outer one";
            return null;
        }

        var issuer = new X500DistinguishedName(t.ReadEncodedValue().Span);
        var thisUpdate = ReadTime(t);
        DateTimeOffset? nextUpdate = null;
        if (t.HasData && IsTime(t.PeekTag()))
        {
            nextUpdate = ReadTime(t);
        }

        var revoked = new Dictionary<string, RevokedEntry>(StringComparer.Ordinal);
        if (t.HasData && t.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var entries = t.ReadSequence();
            while (entries.HasData)
            {
                var entry = entries.ReadSequence();
                var serial = NormaliseSerial(Convert.ToHexString(entry.ReadIntegerBytes().Span));
                var at = ReadTime(entry);
                X509RevocationReason? reason = null;
                if (entry.HasData)
                {
                    foreach (var (oid, critical, value) in ReadExtensions(entry.ReadSequence()))
                    {
                        if (oid == ReasonCodeOid)
                        {
                            reason = (X509RevocationReason)new AsnReader(value, AsnEncodingRules.DER).ReadEnumeratedValue<X509RevocationReason>();
                        }
                        else if (critical)
                        {
                            error = $"a revoked entry has a critical extension {oid} that is not supported (indirect CRLs are not)";
                            return null;
                        }
                    }
                }

                revoked[serial] = new RevokedEntry(at, reason);
            }
        }

        BigInteger? number = null;
        byte[]? aki = null;
        if (t.HasData)
        {
            var explicitExtensions = t.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
            foreach (var (oid, critical, value) in ReadExtensions(explicitExtensions.ReadSequence()))
            {
                switch (oid)
                {
                    case CrlNumberOid:
                        number = new AsnReader(value, AsnEncodingRules.DER).ReadInteger();
                        break;
                    case AuthorityKeyIdOid:
                        // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, … }
                        var akiSeq = new AsnReader(value, AsnEncodingRules.DER).ReadSequence();
                        if (akiSeq.HasData && akiSeq.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
                        {
                            aki = akiSeq.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0));
                        }

                        break;
                    default:
                        if (critical)
                        {
                            error = $"critical CRL extension {oid} is not supported (delta or partitioned CRLs are not); publish a full CRL";
                            return null;
                        }

                        break;
                }
            }
        }

        t.ThrowIfNotEmpty();
        error = null;
        return new CertificateRevocationList(der, issuer, thisUpdate, nextUpdate, number, aki, revoked, tbs, algorithm, signature);
    }

    private static string ReadAlgorithm(AsnReader reader)
    {
        var seq = reader.ReadSequence();
        var oid = seq.ReadObjectIdentifier();
        // Parameters (NULL for RSA, absent for ECDSA) are not needed for the algorithms supported.
        return oid;
    }

    private static IEnumerable<(string Oid, bool Critical, byte[] Value)> ReadExtensions(AsnReader extensions)
    {
        var list = new List<(string, bool, byte[])>();
        while (extensions.HasData)
        {
            var ext = extensions.ReadSequence();
            var oid = ext.ReadObjectIdentifier();
            var critical = ext.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && ext.ReadBoolean();
            list.Add((oid, critical, ext.ReadOctetString()));
        }

        return list;
    }

    private static bool IsTime(Asn1Tag tag) => tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}
