// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Caducee.MsSante.Trust;
using Caducee.Primitives;

namespace Caducee.MsSante.Whitelist;

/// <summary>A whitelist file that must not be applied, with where and why.</summary>
public sealed class WhitelistFormatException(string message) : Exception(message)
{
    public WhitelistFormatException()
        : this("invalid whitelist")
    {
    }

    public WhitelistFormatException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}

/// <summary>
/// Reads and writes <c>listeblanchemssante.xml</c> in the national format (MSSANTE-SPEC §3.1, REQ-04):
/// namespace <c>https://listeblanche.mssante.fr/schema</c>, root <c>ListeBlancheMSSante</c>,
/// <c>DateDeGeneration</c>, <c>ListeDomaines/Domaine</c> with <c>Nom</c>, <c>Description</c>,
/// <c>DNCertificatOperateur</c>, <c>ResponsableContact</c>, <c>SupportContact</c>, <c>DateMAJ</c>.
/// </summary>
public static class WhitelistXml
{
    public const string Namespace = "https://listeblanche.mssante.fr/schema";

    /// <summary>The largest whitelist accepted (the national one is ~2 MB for 8,700 domains).</summary>
    public const int MaxSize = 64 * 1024 * 1024;

    /// <summary>SHA-256 of the file, lower-case hex, as in the national <c>checksum</c> file (REQ-03).</summary>
    public static string Checksum(ReadOnlySpan<byte> file) => Convert.ToHexStringLower(SHA256.HashData(file));

    /// <summary>True when <paramref name="checksumFile"/> (its first token) equals the SHA-256 of <paramref name="file"/>.</summary>
    public static bool VerifyChecksum(ReadOnlySpan<byte> file, string checksumFile)
    {
        var expected = checksumFile.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        var actual = Checksum(file);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(expected.ToLowerInvariant()));
    }

    /// <summary>Parses and validates a whitelist; throws <see cref="WhitelistFormatException"/> naming the line and what is wrong.</summary>
    public static WhitelistDocument Parse(ReadOnlyMemory<byte> file)
    {
        if (file.Length > MaxSize)
        {
            throw new WhitelistFormatException($"whitelist larger than {MaxSize} bytes");
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = MaxSize,
        };
        using var stream = new MemoryStream(file.ToArray(), writable: false);
        using var reader = XmlReader.Create(stream, settings);
        try
        {
            return Read(reader);
        }
        catch (XmlException ex)
        {
            throw new WhitelistFormatException($"malformed XML at line {ex.LineNumber}, column {ex.LinePosition}: {ex.Message}");
        }
    }

    /// <summary>Writes a whitelist in the national format (UTF-8, indented).</summary>
    public static byte[] Write(WhitelistDocument document)
    {
        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  ", NewLineChars = "\n" };
        using (var w = XmlWriter.Create(stream, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("ListeBlancheMSSante", Namespace);
            w.WriteElementString("DateDeGeneration", Namespace, FormatDate(document.GeneratedAt));
            w.WriteStartElement("ListeDomaines", Namespace);
            foreach (var d in document.Domains)
            {
                w.WriteStartElement("Domaine", Namespace);
                w.WriteElementString("Nom", Namespace, d.Nom);
                w.WriteElementString("Description", Namespace, d.Description ?? string.Empty);
                w.WriteElementString("DNCertificatOperateur", Namespace, d.DnCertificatOperateur);
                w.WriteElementString("ResponsableContact", Namespace, d.ResponsableContact ?? string.Empty);
                w.WriteElementString("SupportContact", Namespace, d.SupportContact ?? string.Empty);
                w.WriteElementString("DateMAJ", Namespace, FormatDate(d.DateMaj ?? document.GeneratedAt));
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndDocument();
        }

        return stream.ToArray();
    }

    private static WhitelistDocument Read(XmlReader reader)
    {
        reader.MoveToContent();
        if (reader.LocalName != "ListeBlancheMSSante" || reader.NamespaceURI != Namespace)
        {
            throw new WhitelistFormatException($"root element must be ListeBlancheMSSante in namespace {Namespace} (found {reader.LocalName} in '{reader.NamespaceURI}')");
        }

        DateTimeOffset? generated = null;
        var domains = new List<WhitelistDomain>();
        var info = (IXmlLineInfo)reader;
        reader.Read();
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            if (reader.NamespaceURI != Namespace)
            {
                reader.Skip();
                continue;
            }

            switch (reader.LocalName)
            {
                case "DateDeGeneration":
                    generated = ParseDate(reader.ReadElementContentAsString(), info, "DateDeGeneration");
                    break;
                case "ListeDomaines":
                    reader.Read();
                    break;
                case "Domaine":
                    domains.Add(ReadDomain(reader, info));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (generated is null)
        {
            throw new WhitelistFormatException("DateDeGeneration is missing");
        }

        return new WhitelistDocument(generated.Value, domains);
    }

    private static WhitelistDomain ReadDomain(XmlReader reader, IXmlLineInfo info)
    {
        var line = info.LineNumber;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var sub = reader.ReadSubtree())
        {
            sub.Read();
            sub.Read();
            while (!sub.EOF)
            {
                if (sub.NodeType == XmlNodeType.Element && sub.NamespaceURI == Namespace)
                {
                    var name = sub.LocalName;
                    fields[name] = sub.ReadElementContentAsString().Trim();
                }
                else
                {
                    sub.Read();
                }
            }
        }

        reader.Read();
        if (!fields.TryGetValue("Nom", out var nom) || nom.Length == 0)
        {
            throw new WhitelistFormatException($"Domaine at line {line} has no Nom");
        }

        if (!DomainName.IsValid(nom))
        {
            throw new WhitelistFormatException($"Domaine at line {line}: '{nom}' is not a valid domain name");
        }

        if (!fields.TryGetValue("DNCertificatOperateur", out var dn) || dn.Length == 0)
        {
            throw new WhitelistFormatException($"Domaine {nom} at line {line} has no DNCertificatOperateur");
        }

        try
        {
            _ = DistinguishedName.Parse(dn);
        }
        catch (FormatException ex)
        {
            throw new WhitelistFormatException($"Domaine {nom} at line {line}: DNCertificatOperateur is not a DN ({ex.Message})");
        }

        DateTimeOffset? updated = fields.TryGetValue("DateMAJ", out var maj) && maj.Length > 0 ? ParseDate(maj, info, "DateMAJ") : null;
        return new WhitelistDomain(nom, fields.GetValueOrDefault("Description"), dn, fields.GetValueOrDefault("ResponsableContact"), fields.GetValueOrDefault("SupportContact"), updated);
    }

    private static DateTimeOffset ParseDate(string text, IXmlLineInfo info, string element) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new WhitelistFormatException($"{element} at line {info.LineNumber} is not a date: '{text}'");

    private static string FormatDate(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
