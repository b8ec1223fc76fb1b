// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Net.Sockets;
using System.Text;
using Caducee.MsSante.Whitelist;
using Microsoft.Extensions.Logging.Abstractions;

namespace Caducee.MsSante.Tests;

/// <summary>Issue 7, point 2: what `caducee whitelist sync|show|check` rely on (REQ-04, REQ-06).</summary>
public sealed class WhitelistSyncTests : IDisposable
{
    private const string MipihDn = "CN=medimail-asip.mipih.fr,OU=318310021300028,O=GIP MIPIH,ST=Haute-Garonne (31),C=FR";
    private const string OtherDn = "CN=mx.hopital-nord.mssante.test,OU=312345678900018,O=CENTRE HOSPITALIER NORD,ST=Nord (59),C=FR";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-wlsync-");
    private readonly TestCertificates _pki = new();

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Delete(recursive: true);
    }

    public static byte[] List(int mipihDomains, params (string Domain, string Dn, string Description)[] others)
    {
        var domains = Enumerable.Range(1, mipihDomains)
            .Select(i => new WhitelistDomain($"structure{i}.mssante.fr", $"Établissement n°{i} — Hauts-de-Seine", MipihDn, "05 00 00 00 00, contact@mipih.fr", null, null))
            .Concat(others.Select(o => new WhitelistDomain(o.Domain, o.Description, o.Dn, null, null, null)));
        return WhitelistXml.Write(new WhitelistDocument(new DateTimeOffset(2025, 3, 13, 14, 54, 10, TimeSpan.Zero), domains));
    }

    [Fact]
    public void One_operator_DN_serves_many_domains_and_non_ASCII_descriptions_survive_REQ04()
    {
        var bytes = List(336, ("ch-nord.mssante.fr", OtherDn, "Centre hospitalier — Lille, Mons-en-Barœul"));
        var document = WhitelistXml.Parse(bytes);
        var byOperator = document.DomainsByOperator();
        Assert.Equal(2, byOperator.Count);
        Assert.Equal(MipihDn, byOperator[0].OperatorDn);
        Assert.Equal(336, byOperator[0].Domains.Count);
        Assert.Equal(["ch-nord.mssante.fr"], byOperator[1].Domains);
        Assert.Equal("Centre hospitalier — Lille, Mons-en-Barœul", document.Find("CH-NORD.mssante.fr")!.Description);
        Assert.Equal("Établissement n°7 — Hauts-de-Seine", document.Find("structure7.mssante.fr")!.Description);
    }

    [Fact]
    public void DNs_that_differ_only_in_spacing_or_case_count_as_one_operator()
    {
        var bytes = List(2, ("x.mssante.fr", "cn=medimail-asip.mipih.fr, ou=318310021300028, o=GIP  MIPIH, st=Haute-Garonne (31), c=FR", "x"));
        var byOperator = WhitelistXml.Parse(bytes).DomainsByOperator();
        Assert.Equal(3, Assert.Single(byOperator).Domains.Count);
    }

    [Fact]
    public async Task An_unreachable_source_is_reported_and_the_last_good_list_is_kept_and_still_used_REQ06()
    {
        var path = Path.Combine(_dir.FullName, "whitelist", "listeblanchemssante.xml");
        var good = List(3);
        var first = new WhitelistStore(path);
        Assert.Null(first.TryApply(good, WhitelistXml.Checksum(good)));

        // After a restart: the copy on disk, then a failed fetch from a closed loopback port.
        var store = new WhitelistStore(path);
        Assert.True(store.LoadLastGood());
        var port = ClosedPort();
        using var sync = new WhitelistSynchronizer(
            store,
            new WhitelistSource(new Uri($"https://127.0.0.1:{port}/listeblanchemssante.xml"), null, TimeSpan.FromHours(1)),
            _pki.Trust,
            NullLogger<WhitelistSynchronizer>.Instance);
        var error = await sync.SyncOnceAsync(CancellationToken.None);
        Assert.NotNull(error);
        Assert.Contains("cannot fetch", error, StringComparison.Ordinal);
        Assert.Equal(error, store.LastError);
        Assert.NotNull(store.Current);
        Assert.NotNull(store.Current!.Document.Find("structure2.mssante.fr"));
        Assert.Equal(WhitelistXml.Checksum(good), store.Current.Checksum);
        Assert.Equal(good, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public void A_tampered_file_fails_its_checksum_is_not_applied_and_the_file_on_disk_is_unchanged_REQ03()
    {
        var path = Path.Combine(_dir.FullName, "lb.xml");
        var store = new WhitelistStore(path);
        var good = List(2);
        Assert.Null(store.TryApply(good, WhitelistXml.Checksum(good) + "  listeblanchemssante.xml\n"));
        var next = List(2, ("pirate.mssante.fr", OtherDn, "pirate"));
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(next).Replace("structure1", "evil1", StringComparison.Ordinal));
        var error = store.TryApply(tampered, WhitelistXml.Checksum(next));
        Assert.Contains("checksum mismatch", error, StringComparison.Ordinal);
        Assert.Null(store.Current!.Document.Find("pirate.mssante.fr"));
        Assert.Null(store.Current.Document.Find("evil1.mssante.fr"));
        Assert.Equal(good, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
