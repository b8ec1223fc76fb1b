// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.MsSante.Trust;
using Caducee.MsSante.Whitelist;

namespace Caducee.MsSante.Tests;

public class WhitelistTests
{
    // Shape of the national file (MSSANTE-SPEC §3.1), one operator DN for two domains, non-ASCII text.
    private const string National = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListeBlancheMSSante xmlns="https://listeblanche.mssante.fr/schema">
          <DateDeGeneration>2025-03-13T14:54:10Z</DateDeGeneration>
          <ListeDomaines>
            <Domaine>
              <Nom>adsea29.mssante.fr</Nom>
              <Description>Association départementale — Finistère</Description>
              <DNCertificatOperateur>CN=medimail-asip.mipih.fr,OU=318310021300028,O=GIP MIPIH,ST=Haute-Garonne (31),C=FR</DNCertificatOperateur>
              <ResponsableContact>05 00 00 00 00, contact@example.fr</ResponsableContact>
              <SupportContact>05 00 00 00 01, support@example.fr</SupportContact>
              <DateMAJ>2025-03-13T14:54:10Z</DateMAJ>
            </Domaine>
            <Domaine>
              <Nom>ch-quimper.mssante.fr</Nom>
              <Description>Centre hospitalier de Quimper</Description>
              <DNCertificatOperateur>CN=medimail-asip.mipih.fr,OU=318310021300028,O=GIP MIPIH,ST=Haute-Garonne (31),C=FR</DNCertificatOperateur>
              <ResponsableContact></ResponsableContact>
              <SupportContact></SupportContact>
              <DateMAJ>2025-03-12T09:00:00Z</DateMAJ>
            </Domaine>
          </ListeDomaines>
        </ListeBlancheMSSante>
        """;

    [Fact]
    public void Reads_the_national_format_with_one_DN_for_many_domains_REQ04()
    {
        var doc = WhitelistXml.Parse(Encoding.UTF8.GetBytes(National));
        Assert.Equal(new DateTimeOffset(2025, 3, 13, 14, 54, 10, TimeSpan.Zero), doc.GeneratedAt);
        Assert.Equal(2, doc.Domains.Count);
        Assert.Equal("Association départementale — Finistère", doc.Find("ADSEA29.mssante.fr")!.Description);
        Assert.Equal(doc.Find("adsea29.mssante.fr")!.DnCertificatOperateur, doc.Find("ch-quimper.mssante.fr")!.DnCertificatOperateur);
        Assert.Null(doc.Find("unknown.mssante.fr"));
        Assert.True(doc.HasOperator(DistinguishedName.Parse("cn=medimail-asip.mipih.fr, ou=318310021300028, o=GIP MIPIH, st=Haute-Garonne (31), c=FR")));
    }

    [Fact]
    public void Writes_what_it_reads_with_the_national_element_names_and_namespace()
    {
        var doc = WhitelistXml.Parse(Encoding.UTF8.GetBytes(National));
        var written = Encoding.UTF8.GetString(WhitelistXml.Write(doc));
        Assert.Contains("<ListeBlancheMSSante xmlns=\"https://listeblanche.mssante.fr/schema\">", written, StringComparison.Ordinal);
        foreach (var element in new[] { "DateDeGeneration", "ListeDomaines", "Domaine", "Nom", "Description", "DNCertificatOperateur", "ResponsableContact", "SupportContact", "DateMAJ" })
        {
            Assert.Contains($"<{element}>", written, StringComparison.Ordinal);
        }

        var again = WhitelistXml.Parse(Encoding.UTF8.GetBytes(written));
        Assert.Equal(doc.Domains, again.Domains);
    }

    [Fact]
    public void Verifies_the_published_checksum_REQ03()
    {
        var bytes = Encoding.UTF8.GetBytes(National);
        var checksum = WhitelistXml.Checksum(bytes);
        Assert.Equal(64, checksum.Length);
        Assert.True(WhitelistXml.VerifyChecksum(bytes, checksum + "  listeblanchemssante.xml\n"));
        var tampered = Encoding.UTF8.GetBytes(National.Replace("ch-quimper", "evil-quimper", StringComparison.Ordinal));
        Assert.False(WhitelistXml.VerifyChecksum(tampered, checksum));
    }

    [Theory]
    [InlineData("<Other xmlns=\"https://listeblanche.mssante.fr/schema\"/>", "root element")]
    [InlineData("<ListeBlancheMSSante xmlns=\"https://listeblanche.mssante.fr/schema\"><ListeDomaines/></ListeBlancheMSSante>", "DateDeGeneration is missing")]
    [InlineData("<ListeBlancheMSSante xmlns=\"https://listeblanche.mssante.fr/schema\"><DateDeGeneration>2025-01-01T00:00:00Z</DateDeGeneration><ListeDomaines><Domaine><Nom>a.fr</Nom></Domaine></ListeDomaines></ListeBlancheMSSante>", "has no DNCertificatOperateur")]
    [InlineData("<ListeBlancheMSSante xmlns=\"https://listeblanche.mssante.fr/schema\"><DateDeGeneration>2025-01-01T00:00:00Z</DateDeGeneration><ListeDomaines><Domaine><Nom>bad domain</Nom><DNCertificatOperateur>CN=x</DNCertificatOperateur></Domaine></ListeDomaines></ListeBlancheMSSante>", "not a valid domain name")]
    [InlineData("<!DOCTYPE x [<!ENTITY a \"b\">]><ListeBlancheMSSante/>", "malformed XML")]
    [InlineData("<ListeBlancheMSSante", "malformed XML")]
    public void Rejects_invalid_files_saying_why(string xml, string reason)
    {
        var ex = Assert.Throws<WhitelistFormatException>(() => WhitelistXml.Parse(Encoding.UTF8.GetBytes(xml)));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tampered_or_invalid_list_is_never_applied_and_the_last_good_one_stays_REQ06()
    {
        var dir = Directory.CreateTempSubdirectory("caducee-wl-");
        try
        {
            var path = Path.Combine(dir.FullName, "lb.xml");
            var store = new WhitelistStore(path);
            var good = Encoding.UTF8.GetBytes(National);
            Assert.Null(store.TryApply(good, WhitelistXml.Checksum(good)));
            Assert.Equal(2, store.Current!.Document.Domains.Count);

            var tampered = Encoding.UTF8.GetBytes(National.Replace("adsea29", "pirate", StringComparison.Ordinal));
            Assert.Contains("checksum mismatch", store.TryApply(tampered, WhitelistXml.Checksum(good)), StringComparison.Ordinal);
            Assert.Contains("invalid whitelist", store.TryApply("<x/>"u8.ToArray(), null), StringComparison.Ordinal);
            Assert.NotNull(store.Current!.Document.Find("adsea29.mssante.fr"));
            Assert.Null(store.Current.Document.Find("pirate.mssante.fr"));

            // After a restart, the last good copy on disk is used.
            var restarted = new WhitelistStore(path);
            Assert.True(restarted.LoadLastGood());
            Assert.Equal(store.Current.Checksum, restarted.Current!.Checksum);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_list_older_than_the_maximum_age_is_not_usable()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var store = new WhitelistStore(null, clock, TimeSpan.FromDays(7));
        Assert.Null(store.TryApply(Encoding.UTF8.GetBytes(National), null));
        Assert.NotNull(store.Current);
        clock.Advance(TimeSpan.FromDays(8));
        Assert.Null(store.Current);
        Assert.NotNull(store.Held);
    }
}

internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
