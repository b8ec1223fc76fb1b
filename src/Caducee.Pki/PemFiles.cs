// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Caducee.Pki;

/// <summary>Writing and reading certificates and keys as PEM files, and CA bundles as PEM and p7b.</summary>
public static class PemFiles
{
    /// <summary>Writes the certificate to <paramref name="certPath"/> and, if present, its key to <paramref name="keyPath"/> (mode 0600).</summary>
    public static void Write(X509Certificate2 certificate, string certPath, string? keyPath)
    {
        File.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n");
        if (keyPath is null)
        {
            return;
        }

        var key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("the certificate has no private key to write");
        using (key)
        {
            WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        }
    }

    /// <summary>Loads a certificate with its private key.</summary>
    public static X509Certificate2 Load(string certPath, string keyPath) => X509Certificate2.CreateFromPemFile(certPath, keyPath);

    /// <summary>Loads a certificate without key.</summary>
    public static X509Certificate2 LoadPublic(string certPath) => X509Certificate2.CreateFromPem(File.ReadAllText(certPath));

    /// <summary>Writes a PEM bundle of several certificates.</summary>
    public static void WriteBundle(IEnumerable<X509Certificate2> certificates, string path)
    {
        var sb = new StringBuilder();
        foreach (var c in certificates)
        {
            sb.Append(c.ExportCertificatePem()).Append('\n');
        }

        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>The certificates as a PKCS#7 "certs-only" bundle (the .p7b form IGC-Santé publishes).</summary>
    public static byte[] ToP7b(IEnumerable<X509Certificate2> certificates)
    {
        var collection = new X509Certificate2Collection();
        foreach (var c in certificates)
        {
            collection.Add(c);
        }

        return collection.Export(X509ContentType.Pkcs7) ?? [];
    }

    private static void WritePrivate(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(content);
    }
}
