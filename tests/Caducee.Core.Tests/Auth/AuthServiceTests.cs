// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Crypto;
using Caducee.Storage.FileBlobs;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Caducee.Core.Auth;
using Caducee.Core.Auth.Oidc;
using Caducee.Core.Auth.Sasl;
using Caducee.Core.Model;
using Caducee.Core.Security;
using Caducee.Primitives;
using Caducee.Storage.Sqlite;

namespace Caducee.Core.Tests.Auth;

/// <summary>
/// The auth component over a real SQLite store (issue 5 point 4, issue 6 point 2): password switches
/// (REQ-15), EXTERNAL mapping (REQ-14, REQ-16), bearer tokens mapped to owners (REQ-13), send-as.
/// </summary>
public sealed class AuthServiceTests : IAsyncLifetime, IDisposable
{
    private const string Domain = "hopital-nord.mssante.test";
    private const string RppsJean = "10101234567"; // owns two boxes: a PER and a CAB
    private const string RppsMarie = "10109876543"; // owns one PER box
    private static readonly IPAddress s_client = IPAddress.Parse("192.0.2.10");

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("caducee-auth-");
    private readonly SqliteMailStore _store;
    private readonly TestPki _pki = new();
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly MemoryIssuer _issuer = new();
    private readonly SigningKey _key = SigningKey.Rsa("k1");

    public AuthServiceTests()
    {
        var keys = new Keyring(MasterKey.Generate());
        _store = new SqliteMailStore(Path.Combine(_dir.FullName, "caducee.db"), new FileBlobStore(Path.Combine(_dir.FullName, "blobs"), keys), keys);
        _issuer.Published.Add(_key);
    }

    public async Task InitializeAsync()
    {
        await _store.MigrateAsync(default);
        await _store.AddDomainAsync(Domain, default);
        await Add("jean.dupont", MailboxKind.Per, RppsJean);
        await Add("cabinet.dupont", MailboxKind.Cab, RppsJean);
        await Add("marie.martin", MailboxKind.Per, RppsMarie);
        await Add("cardiologie", MailboxKind.Org, "312345678900018");
        await Add("dpi", MailboxKind.App, "312345678900018", CertificateIdentity.SubjectKey(TestPki.AppSubject()));
        await Add("ancien", MailboxKind.Org, "312345678900018");
        await _store.SetMailboxStatusAsync(Address("ancien"), MailboxStatus.Suspended, default);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _store.Dispose();
        _pki.Dispose();
        _key.Dispose();
        _dir.Delete(recursive: true);
    }

    private static MailAddress Address(string local) => MailAddress.Parse($"{local}@{Domain}");

    private Task Add(string local, MailboxKind kind, string owner, string? certificateSubject = null) =>
        _store.CreateMailboxAsync(
            new NewMailbox(Address(local), kind, kind is MailboxKind.Per or MailboxKind.Cab ? PrincipalRef.Professional(owner) : PrincipalRef.Structure(owner))
            {
                Metadata = new MailboxMetadata(local),
                PasswordHash = PasswordHasher.Hash("pw-" + local, iterations: 1000),
                CertificateSubject = certificateSubject,
            },
            default);

    private AuthService Service(AuthOptions? options = null, IRevocationCheck? revocation = null, bool oidc = true) => new(
        new MailStoreAuthDirectory(_store),
        options ?? new AuthOptions(),
        new LoginThrottle(_clock, maxFailures: 3),
        new LoginThrottle(_clock, maxFailures: 10),
        _pki.Trust,
        revocation,
        oidc ? new OidcTokenValidator(Tokens.Options(), _issuer, _clock) : null);

    private static Task<AuthResult> Password(AuthService s, string user, string password, string? authzid = null) =>
        s.AuthenticateAsync(new PasswordCredentials(SaslMechanismNames.Plain, authzid, user, password), new AuthContext(s_client, null), default);

    private static Task<AuthResult> External(AuthService s, X509Certificate2? certificate, string? authzid = null) =>
        s.AuthenticateAsync(new ExternalCredentials(authzid), new AuthContext(s_client, certificate), default);

    private static Task<AuthResult> Bearer(AuthService s, string token, string? authzid) =>
        s.AuthenticateAsync(new BearerCredentials(SaslMechanismNames.XOAuth2, authzid, token), new AuthContext(s_client, null), default);

    [Fact]
    public async Task A_password_opens_its_own_ORG_box_and_nothing_else()
    {
        var s = Service();
        var ok = await Password(s, $"cardiologie@{Domain}", "pw-cardiologie");
        Assert.True(ok.Succeeded);
        Assert.Equal(IdentityKind.Mailbox, ok.Principal!.Identity.Kind);
        Assert.Equal(SaslMechanismNames.Plain, ok.Principal.Mechanism);

        var other = await Password(s, $"cardiologie@{Domain}", "pw-cardiologie", authzid: $"dpi@{Domain}");
        Assert.Equal(AuthFailure.NotAuthorized, other.Failure);
        Assert.Equal(AuthFailure.InvalidCredentials, (await Password(s, $"cardiologie@{Domain}", "wrong")).Failure);
        Assert.Equal(AuthFailure.InvalidCredentials, (await Password(s, $"nobody@{Domain}", "pw")).Failure);
        Assert.Equal(AuthFailure.MailboxDisabled, (await Password(s, $"ancien@{Domain}", "pw-ancien")).Failure);
    }

    [Fact]
    public async Task PER_boxes_refuse_passwords_by_default_and_the_answer_is_no_oracle_on_the_password_REQ15()
    {
        var s = Service(new AuthOptions()); // production default: PasswordForPer = false
        var right = await Password(s, $"jean.dupont@{Domain}", "pw-jean.dupont");
        var wrong = await Password(s, $"jean.dupont@{Domain}", "wrong");
        Assert.Equal(AuthFailure.MechanismTooWeak, right.Failure);
        Assert.Equal(right.Failure, wrong.Failure);
        Assert.Equal(right.Reason, wrong.Reason);
        Assert.Contains("Pro Santé Connect token", right.Reason, StringComparison.Ordinal);
        Assert.Contains("CPS certificate", right.Reason, StringComparison.Ordinal);
        // Refusals by policy are not guesses: they do not lock the account out.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(AuthFailure.MechanismTooWeak, (await Password(s, $"jean.dupont@{Domain}", "wrong")).Failure);
        }

        Assert.True((await Password(Service(new AuthOptions { PasswordForPer = true }), $"jean.dupont@{Domain}", "pw-jean.dupont")).Succeeded);
        // Other kinds keep passwords.
        Assert.True((await Password(s, $"cardiologie@{Domain}", "pw-cardiologie")).Succeeded);
    }

    [Fact]
    public async Task Switching_password_methods_off_removes_them_from_the_lists_and_refuses_them()
    {
        var s = Service(new AuthOptions { PasswordMethods = false });
        Assert.Equal([SaslMechanismNames.External, SaslMechanismNames.XOAuth2, SaslMechanismNames.OAuthBearer], s.Mechanisms(AuthProtocol.Smtp));
        Assert.False(s.PasswordLoginAllowed);
        Assert.Null(s.CreateMechanism(SaslMechanismNames.Plain, AuthProtocol.Smtp));
        var refused = await Password(s, $"cardiologie@{Domain}", "pw-cardiologie");
        Assert.Equal(AuthFailure.MechanismNotAllowed, refused.Failure);

        var all = Service(new AuthOptions());
        Assert.Equal(["PLAIN", "LOGIN", "EXTERNAL", "XOAUTH2", "OAUTHBEARER"], all.Mechanisms(AuthProtocol.Smtp));
        Assert.Equal(["PLAIN", "EXTERNAL", "XOAUTH2", "OAUTHBEARER"], all.Mechanisms(AuthProtocol.Imap)); // LOGIN is SMTP only
        Assert.Null(all.CreateMechanism(SaslMechanismNames.Login, AuthProtocol.Imap));
        Assert.Equal(["PLAIN", "LOGIN", "EXTERNAL"], Service(oidc: false).Mechanisms(AuthProtocol.Smtp));
    }

    [Fact]
    public async Task Failures_lock_the_account_out_then_time_releases_it()
    {
        var s = Service();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(AuthFailure.InvalidCredentials, (await Password(s, $"cardiologie@{Domain}", "wrong")).Failure);
        }

        Assert.Equal(AuthFailure.LockedOut, (await Password(s, $"cardiologie@{Domain}", "pw-cardiologie")).Failure);
        _clock.Advance(TimeSpan.FromMinutes(16));
        Assert.True((await Password(s, $"cardiologie@{Domain}", "pw-cardiologie")).Succeeded);
    }

    [Fact]
    public async Task EXTERNAL_maps_a_CPS_certificate_to_the_one_PER_box_of_its_RPPS_REQ14()
    {
        using var marie = _pki.Personal(RppsMarie, "Marie", "Martin");
        var result = await External(Service(), marie);
        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal($"marie.martin@{Domain}", result.Principal!.Mailbox.Address.ToString());
        Assert.Equal(AuthIdentity.Professional(RppsMarie), result.Principal.Identity);
    }

    [Fact]
    public async Task EXTERNAL_with_several_boxes_requires_an_authzid_instead_of_picking_one()
    {
        using var jean = _pki.Personal(RppsJean);
        var s = Service();
        var ambiguous = await External(s, jean);
        Assert.Equal(AuthFailure.AuthzidRequired, ambiguous.Failure);
        Assert.Contains($"cabinet.dupont@{Domain}", ambiguous.Reason, StringComparison.Ordinal);
        Assert.Contains($"jean.dupont@{Domain}", ambiguous.Reason, StringComparison.Ordinal);

        var chosen = await External(s, jean, $"cabinet.dupont@{Domain}");
        Assert.Equal($"cabinet.dupont@{Domain}", chosen.Principal!.Mailbox.Address.ToString());
        Assert.Equal(AuthFailure.NotAuthorized, (await External(s, jean, $"marie.martin@{Domain}")).Failure);
        Assert.Equal(AuthFailure.NotAuthorized, (await External(s, jean, $"cardiologie@{Domain}")).Failure);
        Assert.Equal(AuthFailure.NotAuthorized, (await External(s, jean, "not an address")).Failure);
    }

    [Fact]
    public async Task EXTERNAL_maps_an_organisation_certificate_to_its_APP_box_REQ16()
    {
        using var app = _pki.Organisation();
        var s = Service();
        var result = await External(s, app);
        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal($"dpi@{Domain}", result.Principal!.Mailbox.Address.ToString());
        Assert.Equal(IdentityKind.Organisation, result.Principal.Identity.Kind);
        Assert.Equal($"dpi@{Domain}", (await External(s, app, $"dpi@{Domain}")).Principal!.Mailbox.Address.ToString());
        Assert.Equal(AuthFailure.NotAuthorized, (await External(s, app, $"cardiologie@{Domain}")).Failure);

        using var unknown = _pki.Organisation("lis.hopital-nord.mssante.test");
        var none = await External(s, unknown);
        Assert.Equal(AuthFailure.NotAuthorized, none.Failure);
        Assert.Contains("no mailbox", none.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EXTERNAL_refuses_missing_untrusted_expired_and_server_only_certificates()
    {
        var s = Service();
        Assert.Contains("No client certificate", (await External(s, null)).Reason, StringComparison.Ordinal);

        using var otherPki = new TestPki();
        using var foreign = otherPki.Personal(RppsMarie);
        var untrusted = await External(s, foreign);
        Assert.Equal(AuthFailure.InvalidCredentials, untrusted.Failure);
        Assert.Contains("not issued by a trusted authority", untrusted.Reason, StringComparison.Ordinal);

        using var expired = _pki.Organisation(notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        Assert.Contains("expired", (await External(s, expired)).Reason, StringComparison.Ordinal);

        using var serverOnly = _pki.ServerOnly(RppsMarie);
        Assert.Contains("not valid for client authentication", (await External(s, serverOnly)).Reason, StringComparison.Ordinal);

        Assert.Equal(AuthFailure.MechanismNotAllowed, (await External(Service(new AuthOptions { External = false }), foreign)).Failure);
    }

    [Fact]
    public async Task EXTERNAL_asks_the_revocation_hook_and_fails_temporarily_when_it_cannot_tell()
    {
        using var marie = _pki.Personal(RppsMarie);
        var revoked = await External(Service(revocation: new FixedRevocation(RevocationStatus.Revoked)), marie);
        Assert.Equal(AuthFailure.InvalidCredentials, revoked.Failure);
        Assert.Contains("revoked", revoked.Reason, StringComparison.Ordinal);
        Assert.Equal(AuthFailure.Unavailable, (await External(Service(revocation: new FixedRevocation(RevocationStatus.Unknown)), marie)).Failure);
    }

    [Fact]
    public async Task A_PSC_token_opens_the_owners_box_and_no_other_REQ13()
    {
        var s = Service();
        var token = _key.Token(_clock.Now, rpps: RppsMarie);
        var ok = await Bearer(s, token, $"marie.martin@{Domain}");
        Assert.True(ok.Succeeded, ok.Reason);
        Assert.Equal(AuthIdentity.Professional(RppsMarie), ok.Principal!.Identity);
        Assert.True((await Bearer(s, token, null)).Succeeded); // OAUTHBEARER may omit the authzid: Marie owns one box
        Assert.Equal(AuthFailure.NotAuthorized, (await Bearer(s, token, $"jean.dupont@{Domain}")).Failure);
        Assert.Equal(AuthFailure.NotAuthorized, (await Bearer(s, token, $"cardiologie@{Domain}")).Failure);
        Assert.Equal(AuthFailure.AuthzidRequired, (await Bearer(s, _key.Token(_clock.Now, rpps: RppsJean), null)).Failure);

        var expired = await Bearer(s, _key.Token(_clock.Now.AddHours(-1), rpps: RppsMarie), $"marie.martin@{Domain}");
        Assert.Equal(AuthFailure.InvalidCredentials, expired.Failure);
        Assert.Contains("expired", expired.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(token, expired.Reason + ok.Reason, StringComparison.Ordinal);

        Assert.Equal(AuthFailure.InsufficientScope, (await Bearer(s, _key.Token(_clock.Now, rpps: RppsMarie, scope: "openid"), $"marie.martin@{Domain}")).Failure);
        _issuer.Down = true;
        using var rotated = SigningKey.Rsa("k2");
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(AuthFailure.Unavailable, (await Bearer(Service(), rotated.Token(_clock.Now, rpps: RppsMarie), null)).Failure);
    }

    [Fact]
    public async Task Send_as_follows_ownership_issue5_point4()
    {
        var s = Service();
        using var jeanCert = _pki.Personal(RppsJean);
        var jean = (await External(s, jeanCert, $"jean.dupont@{Domain}")).Principal!;
        Assert.True(await s.MaySendAsAsync(jean, Address("jean.dupont"), default));
        Assert.True(await s.MaySendAsAsync(jean, Address("cabinet.dupont"), default)); // another box of the same RPPS
        Assert.False(await s.MaySendAsAsync(jean, Address("marie.martin"), default));
        Assert.False(await s.MaySendAsAsync(jean, Address("cardiologie"), default)); // no ACLs yet: owners only
        Assert.False(await s.MaySendAsAsync(jean, MailAddress.Parse("jean.dupont@gmail.com"), default));

        // A password opens one mailbox: it sends as that mailbox only.
        var org = (await Password(s, $"cardiologie@{Domain}", "pw-cardiologie")).Principal!;
        Assert.True(await s.MaySendAsAsync(org, MailAddress.Parse($"CARDIOLOGIE@{Domain}"), default));
        Assert.False(await s.MaySendAsAsync(org, Address("dpi"), default));
        Assert.False(await s.MaySendAsAsync(org, Address("ancien"), default));
    }

    [Fact]
    public async Task The_exchange_reports_bearer_failures_in_a_challenge_then_fails_RFC7628()
    {
        var s = Service();
        var exchange = new SaslExchange(s, s.CreateMechanism(SaslMechanismNames.OAuthBearer, AuthProtocol.Imap)!, new AuthContext(s_client, null));
        var expired = _key.Token(_clock.Now.AddHours(-2), rpps: RppsMarie);
        var first = await exchange.RespondAsync(Encoding.UTF8.GetBytes($"n,,\u0001auth=Bearer {expired}\u0001\u0001"), default);
        Assert.Equal(SaslOutcomeKind.Challenge, first.Kind);
        using (var json = JsonDocument.Parse(first.Challenge))
        {
            Assert.Equal("invalid_token", json.RootElement.GetProperty("status").GetString());
            Assert.Equal(MemoryIssuer.IssuerUrl + "/.well-known/openid-configuration", json.RootElement.GetProperty("openid-configuration").GetString());
        }

        var final = await exchange.RespondAsync(new byte[] { 1 }, default);
        Assert.Equal(SaslOutcomeKind.Failed, final.Kind);
        Assert.Equal(AuthFailure.InvalidCredentials, final.Result!.Failure);

        var plain = new SaslExchange(s, s.CreateMechanism(SaslMechanismNames.Plain, AuthProtocol.Smtp)!, new AuthContext(s_client, null));
        Assert.Equal(AuthFailure.Cancelled, plain.Cancel().Result!.Failure);
        var login = new SaslExchange(s, s.CreateMechanism(SaslMechanismNames.Login, AuthProtocol.Smtp)!, new AuthContext(s_client, null));
        Assert.Equal(SaslOutcomeKind.Challenge, (await login.RespondAsync(Encoding.UTF8.GetBytes($"cardiologie@{Domain}"), default)).Kind);
        Assert.Equal(SaslOutcomeKind.Succeeded, (await login.RespondAsync("pw-cardiologie"u8.ToArray(), default)).Kind);
    }

    private sealed class FixedRevocation(RevocationStatus status) : IRevocationCheck
    {
        public ValueTask<RevocationStatus> CheckAsync(X509Certificate2 certificate, CancellationToken cancellationToken) => ValueTask.FromResult(status);
    }
}
