// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Caducee.Core.Security;
using Caducee.MsSante.Trust;
using Caducee.Pki;
using Microsoft.Extensions.Logging.Abstractions;

namespace Caducee.MsSante.Tests;

/// <summary>REQ-09: CRLs read, verified against their CA, kept when good, and never replaced by worse.</summary>
public sealed class CrlTests : IDisposable
{
    private readonly TestCertificates _pki = new();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-crl-");

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Delete(recursive: true);
    }

    private IReadOnlyList<X509Certificate2> Chain(X509Certificate2 leaf)
    {
        var (check, chain) = _pki.Trust.ValidateChain(leaf, X509KeyUsagePurpose.ClientAuth);
        Assert.True(check.IsValid, check.Reason);
        Assert.Equal(3, chain.Count);
        return chain;
    }

    [Fact]
    public void Reads_the_number_dates_and_revoked_serials_of_a_CRL_from_the_test_PKI()
    {
        using var cert = _pki.OperatorClient();
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var der = _pki.Crl([cert.SerialNumber, "0A0B"], number: 42, thisUpdate: now, nextUpdate: now.AddDays(3));
        Assert.True(CertificateRevocationList.TryParse(der, out var crl, out var error), error);
        Assert.Equal(new BigInteger(42), crl!.Number);
        Assert.Equal(2, crl.RevokedCount);
        Assert.Equal(now.ToUnixTimeSeconds(), crl.ThisUpdate.ToUnixTimeSeconds());
        Assert.Equal(now.AddDays(3).ToUnixTimeSeconds(), crl.NextUpdate!.Value.ToUnixTimeSeconds());
        Assert.Equal(X509RevocationReason.KeyCompromise, crl.Find(cert.SerialNumber)!.Reason);
        Assert.NotNull(crl.Find("00:0a:0b"));
        Assert.Null(crl.Find("0C"));
        Assert.True(crl.IsSignedBy(_pki.Organisations.Certificate));
        Assert.False(crl.IsSignedBy(_pki.Root.Certificate));
    }

    [Fact]
    public void Good_revoked_and_unknown_per_certificate()
    {
        using var good = _pki.OperatorClient();
        using var revoked = _pki.OperatorClient("mx.revoked.mssante.test");
        var store = new CrlStore(_pki.Trust, null);
        Assert.Equal(RevocationState.Unknown, store.Check(Chain(good)).State);
        Assert.Null(store.TryApply(_pki.Crl([revoked.SerialNumber]), "test"));
        Assert.Equal(RevocationState.Good, store.Check(Chain(good)).State);
        var status = store.Check(Chain(revoked));
        Assert.Equal(RevocationState.Revoked, status.State);
        Assert.Contains("KeyCompromise", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_CRL_signed_by_another_key_with_the_same_name_is_refused_and_the_last_good_one_stays()
    {
        using var cert = _pki.OperatorClient();
        var store = new CrlStore(_pki.Trust, null);
        Assert.Null(store.TryApply(_pki.Crl([], number: 1), "good"));

        // A rogue CA of the same name says nothing is revoked, with a higher number.
        using var rogueRoot = CertificateAuthority.CreateRoot(NationalNames.Root());
        using var rogue = rogueRoot.CreateIntermediate(NationalNames.Organisations());
        var forged = rogue.BuildRevocationList([], 99, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(30));
        var error = store.TryApply(forged, "forged");
        Assert.Contains("is not signed by an authority of the trust bundle", error, StringComparison.Ordinal);
        Assert.Equal("1", Assert.Single(store.Held).Number);
    }

    [Fact]
    public void A_tampered_CRL_is_refused()
    {
        using var cert = _pki.OperatorClient();
        var der = _pki.Crl([cert.SerialNumber]);
        // Flip one bit of the revoked serial: structure intact, signature broken.
        var serial = Convert.FromHexString(cert.SerialNumber);
        var at = der.AsSpan().IndexOf(serial);
        Assert.True(at > 0);
        der[at + serial.Length - 1] ^= 0x01;
        var store = new CrlStore(_pki.Trust, null);
        Assert.NotNull(store.TryApply(der, "tampered"));
        Assert.Empty(store.Held);
        Assert.NotNull(store.TryApply("not a CRL"u8.ToArray(), "junk"));
    }

    [Fact]
    public void An_older_CRL_never_replaces_a_newer_one()
    {
        using var cert = _pki.OperatorClient();
        var store = new CrlStore(_pki.Trust, null);
        Assert.Null(store.TryApply(_pki.Crl([cert.SerialNumber], number: 5), "newer"));
        // Replaying an older list (before the revocation) must not un-revoke the certificate.
        var error = store.TryApply(_pki.Crl([], number: 4), "replayed");
        Assert.Contains("is older than the one held", error, StringComparison.Ordinal);
        Assert.Equal(RevocationState.Revoked, store.Check(Chain(cert)).State);
        Assert.Null(store.TryApply(_pki.Crl([], number: 6), "next"));
        Assert.Equal(RevocationState.Good, store.Check(Chain(cert)).State);
    }

    [Fact]
    public void A_CRL_past_its_nextUpdate_is_not_usable()
    {
        using var cert = _pki.OperatorClient();
        var store = new CrlStore(_pki.Trust, null);
        var old = DateTimeOffset.UtcNow.AddDays(-10);
        Assert.Null(store.TryApply(_pki.Crl([], thisUpdate: old, nextUpdate: old.AddDays(7)), "expired"));
        var status = store.Check(Chain(cert));
        Assert.Equal(RevocationState.Unknown, status.State);
        Assert.Contains("expired at", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_CRL_dated_in_the_future_is_refused()
    {
        var future = DateTimeOffset.UtcNow.AddHours(2);
        Assert.Contains("in the future", new CrlStore(_pki.Trust, null).TryApply(_pki.Crl([], thisUpdate: future, nextUpdate: future.AddDays(7)), "future"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_good_CRL_survives_a_restart_from_the_disk_cache_SC_MSS_CONF_22()
    {
        using var cert = _pki.OperatorClient();
        var first = new CrlStore(_pki.Trust, _dir.FullName);
        Assert.Null(first.TryApply(_pki.Crl([cert.SerialNumber]), "net"));
        Assert.Single(Directory.GetFiles(_dir.FullName, "*.crl"));

        var restarted = new CrlStore(_pki.Trust, _dir.FullName);
        Assert.Equal(1, restarted.LoadCache());
        Assert.Equal(RevocationState.Revoked, restarted.Check(Chain(cert)).State);

        // A cache file that no longer verifies (another PKI, corruption) is ignored.
        using var other = new TestCertificates();
        Assert.Equal(0, new CrlStore(other.Trust, _dir.FullName).LoadCache());
    }

    [Fact]
    public void A_revoked_intermediate_is_caught_when_the_root_publishes_a_CRL()
    {
        using var cert = _pki.OperatorClient();
        var store = new CrlStore(_pki.Trust, null);
        Assert.Null(store.TryApply(_pki.Crl([]), "organisations"));
        Assert.Equal(RevocationState.Good, store.Check(Chain(cert)).State); // no root CRL held: intermediate not checked
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var rootCrl = _pki.Root.BuildRevocationList([new RevokedSerial(_pki.Organisations.Certificate.SerialNumber, now, X509RevocationReason.CACompromise)], 1, now, now.AddDays(30));
        Assert.Null(store.TryApply(rootCrl, "root"));
        var status = store.Check(Chain(cert));
        Assert.Equal(RevocationState.Revoked, status.State);
        Assert.Contains("issuing authority", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void RSA_signed_CRLs_verify_too_as_IGC_Sante_issues_them()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=AC TEST RSA, O=ASIP-SANTE, C=FR", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var builder = new CertificateRevocationListBuilder();
        builder.AddEntry([0x12, 0x34], DateTimeOffset.UtcNow.AddMinutes(-5));
        var der = builder.Build(ca, 7, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1);
        var store = new CrlStore(new CertificateTrust([ca], []), null);
        Assert.Null(store.TryApply(der, "rsa"));
        Assert.Equal("7", Assert.Single(store.Held).Number);
    }

    [Fact]
    public async Task The_synchronizer_keeps_the_last_good_CRL_when_the_source_fails_and_retries_sooner()
    {
        using var cert = _pki.OperatorClient();
        await using var server = new CrlHttpServer();
        server.Respond(200, _pki.Crl([], number: 1));
        var store = new CrlStore(_pki.Trust, _dir.FullName);
        var source = new CrlSource([server.Url], TimeSpan.FromHours(1), TimeSpan.FromMinutes(2));
        using var sync = new CrlSynchronizer(store, source, _pki.Trust, NullLogger.Instance);

        Assert.Empty(await sync.SyncOnceAsync(CancellationToken.None));
        Assert.Equal(RevocationState.Good, store.Check(Chain(cert)).State);
        Assert.False(sync.LastCycleFailed);

        server.Respond(503, "down"u8.ToArray());
        var errors = await sync.SyncOnceAsync(CancellationToken.None);
        Assert.Contains("cannot fetch", Assert.Single(errors), StringComparison.Ordinal);
        Assert.True(sync.LastCycleFailed);
        Assert.Equal(RevocationState.Good, store.Check(Chain(cert)).State);
        Assert.InRange(sync.NextDelay(), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2));

        server.Respond(200, "garbage"u8.ToArray());
        Assert.Single(await sync.SyncOnceAsync(CancellationToken.None));
        Assert.Equal(RevocationState.Good, store.Check(Chain(cert)).State);

        // The CA revokes the certificate and publishes CRL number 2: the next cycle applies it.
        server.Respond(200, _pki.Crl([cert.SerialNumber], number: 2));
        Assert.Empty(await sync.SyncOnceAsync(CancellationToken.None));
        Assert.Equal(RevocationState.Revoked, store.Check(Chain(cert)).State);
        Assert.InRange(server.Requests, 4, 4);
    }

    [Fact]
    public void The_next_cycle_is_due_before_the_nextUpdate_of_a_CRL_held()
    {
        var store = new CrlStore(_pki.Trust, null);
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        Assert.Null(store.TryApply(_pki.Crl([], thisUpdate: now, nextUpdate: now.AddMinutes(30)), "short"));
        using var sync = new CrlSynchronizer(store, new CrlSource([new Uri("http://127.0.0.1:9/x.crl")], TimeSpan.FromHours(6), TimeSpan.FromMinutes(5)), _pki.Trust, NullLogger.Instance);
        Assert.InRange(sync.NextDelay(), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(25));
    }

    /// <summary>A minimal HTTP/1.1 server on a loopback port chosen by the OS: answers every GET with the configured response.</summary>
    private sealed class CrlHttpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly Lock _gate = new();
        private (int Status, byte[] Body) _response = (404, []);
        private int _requests;

        public CrlHttpServer()
        {
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/organisations.crl");

        public int Requests => _requests;

        public void Respond(int status, byte[] body)
        {
            lock (_gate)
            {
                _response = (status, body);
            }
        }

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                using (client)
                {
                    var stream = client.GetStream();
                    var head = new List<byte>();
                    var buffer = new byte[1];
                    while (!Encoding.ASCII.GetString([.. head]).EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1)
                    {
                        head.Add(buffer[0]);
                    }

                    Interlocked.Increment(ref _requests);
                    (int Status, byte[] Body) response;
                    lock (_gate)
                    {
                        response = _response;
                    }

                    var (status, body) = response;
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Type: application/pkix-crl\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
                    await stream.WriteAsync(body);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
        }
    }
}
