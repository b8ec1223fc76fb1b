// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Caducee.EndToEnd.Tests.Infrastructure;
using Caducee.Host.Demo;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Caducee.EndToEnd.Tests;

/// <summary>
/// The shared auth component on the real demo over real TLS (issue 5 points 4 and 7, issue 6 point 2;
/// REQ-13..16): every mechanism with real clients (Python smtplib and imaplib, swaks, curl), the wire
/// form of failures, EXTERNAL mapping, send-as, the password switches, and the test Pro Santé Connect.
/// </summary>
public sealed class AuthEndToEndTests(AuthFixture fixture) : IClassFixture<AuthFixture>
{
    private DemoFixture Demo => fixture.Demo;

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    private static string FromB64(string s) => Encoding.UTF8.GetString(Convert.FromBase64String(s));

    private string Token(string rpps) => Demo.Demo.Authority.Psc!.IssueAccessToken(rpps, "openid scope_all");

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private async Task<LineClient> ImapOverTlsAsync(string endpoint, X509Certificate2? certificate = null)
    {
        var imap = await LineClient.ConnectAsync(endpoint);
        Assert.StartsWith("* OK", await imap.ReadLineAsync(), StringComparison.Ordinal);
        await imap.WriteLineAsync("t STARTTLS");
        Assert.StartsWith("t OK", (await imap.ReadUntilTaggedAsync("t"))[^1], StringComparison.Ordinal);
        await imap.StartTlsAsync(Demo.Json.Ca, certificate);
        return imap;
    }

    [Fact]
    public async Task Python_smtplib_and_imaplib_authenticate_with_every_mechanism()
    {
        var (code, output) = await RunAsync("python3", Path.Combine(Repository.Root, "tests", "interop", "auth_mechanisms.py"), Demo.Demo.DemoJsonPath);
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var r = json.RootElement;
        Assert.Equal(["PLAIN", "LOGIN", "EXTERNAL", "XOAUTH2", "OAUTHBEARER"], r.GetProperty("smtp_offered").EnumerateArray().Select(e => e.GetString()));
        foreach (var name in new[] { "smtp_PLAIN", "smtp_LOGIN", "smtp_EXTERNAL_personal", "smtp_EXTERNAL_app", "smtp_XOAUTH2", "smtp_OAUTHBEARER", "imap_LOGIN", "imap_PLAIN", "imap_EXTERNAL_personal", "imap_EXTERNAL_app", "imap_XOAUTH2", "imap_OAUTHBEARER" })
        {
            Assert.True(r.GetProperty(name).GetString() == "ok", $"{name}: {r.GetProperty(name).GetString()}");
        }

        Assert.Contains("535", r.GetProperty("smtp_XOAUTH2_tampered").GetString(), StringComparison.Ordinal);
        Assert.Contains("AUTHENTICATIONFAILED", r.GetProperty("imap_OAUTHBEARER_tampered").GetString(), StringComparison.Ordinal);
        var caps = r.GetProperty("imap_capabilities").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("AUTH=XOAUTH2", caps);
        Assert.Contains("AUTH=OAUTHBEARER", caps);
        Assert.DoesNotContain("AUTH=EXTERNAL", caps);
        Assert.Contains("SASL-IR", caps);
        // After a handshake with a client certificate, EXTERNAL is offered too.
        Assert.Contains("AUTH=EXTERNAL", r.GetProperty("imap_capabilities_with_certificate").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task Swaks_submits_with_password_mechanisms(string mechanism)
    {
        var me = Demo.Hospital.Mailboxes[0];
        var (host, port) = (Demo.Hospital.Submission.Split(':')[0], Demo.Hospital.Submission.Split(':')[1]);
        var (code, output) = await RunAsync("swaks", "--server", host, "--port", port, "-tls", "--tls-verify", "--tls-ca-path", Demo.Json.Ca,
            "--auth", mechanism, "--auth-user", me.Address, "--auth-password", me.Password, "--from", me.Address, "--to", Demo.Hospital.Mailboxes[1].Address,
            "--header", "Subject: swaks " + mechanism);
        Assert.True(code == 0, output);
        Assert.Contains("235 2.7.0 Authentication successful", output, StringComparison.Ordinal);
        Assert.Contains("250 2.0.0 Ok: queued", output, StringComparison.Ordinal);
    }

    /// <summary>swaks (Debian's 20201014) has no EXTERNAL, XOAUTH2 or OAUTHBEARER; curl drives them with the same certificates and tokens.</summary>
    [Theory]
    [InlineData("OAUTHBEARER", "PER")]
    [InlineData("EXTERNAL", "PER")]
    [InlineData("EXTERNAL", "APP")]
    public async Task Curl_submits_with_strong_mechanisms(string mechanism, string kind)
    {
        var box = Demo.Hospital.Mailboxes.First(m => m.Kind == kind);
        var message = Path.Combine(Demo.Directory.FullName, $"curl-{mechanism}-{kind}.eml");
        await File.WriteAllTextAsync(message, $"From: <{box.Address}>\r\nTo: <{Demo.Hospital.Mailboxes[1].Address}>\r\nSubject: curl {mechanism}\r\n\r\nbody\r\n");
        List<string> args = ["-sS", "-v", "--ssl-reqd", "--cacert", Demo.Json.Ca, $"smtp://{Demo.Hospital.Submission}", "--mail-from", box.Address,
            "--mail-rcpt", Demo.Hospital.Mailboxes[1].Address, "--upload-file", message, "--login-options", "AUTH=" + mechanism, "--user", box.Address];
        if (mechanism == "EXTERNAL")
        {
            args.AddRange(["--cert", box.Cert!, "--key", box.Key!]);
        }
        else
        {
            args.AddRange(["--oauth2-bearer", Token(box.Rpps!)]);
        }

        var (code, output) = await RunAsync("curl", [.. args]);
        Assert.True(code == 0, output);
        Assert.Contains("> AUTH " + mechanism, output, StringComparison.Ordinal);
        Assert.Contains("< 235 2.7.0", output, StringComparison.Ordinal);
        Assert.Contains("< 250 2.0.0 Ok: queued", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task XOAUTH2_with_an_expired_token_gets_the_JSON_challenge_then_535_REQ13()
    {
        var me = Demo.Hospital.Mailboxes[0];
        var expired = Demo.Demo.Authority.Psc!.IssueAccessToken(me.Rpps!, "openid scope_all", DateTimeOffset.UtcNow.AddHours(-1), TimeSpan.FromMinutes(10));
        await using var smtp = await Demo.SmtpOverTlsAsync(Demo.Hospital.Submission, null);
        var (code, text) = await smtp.CommandAsync($"AUTH XOAUTH2 {B64($"user={me.Address}\u0001auth=Bearer {expired}\u0001\u0001")}");
        Assert.Equal(334, code);
        using (var json = JsonDocument.Parse(FromB64(text.Trim()[4..])))
        {
            Assert.Equal("401", json.RootElement.GetProperty("status").GetString());
            Assert.Equal("Bearer", json.RootElement.GetProperty("schemes").GetString());
            Assert.Equal("scope_all", json.RootElement.GetProperty("scope").GetString());
        }

        var final = await smtp.CommandAsync(string.Empty);
        Assert.Equal(535, final.Code);
        Assert.Contains("5.7.8", final.Text, StringComparison.Ordinal);
        Assert.Contains("token expired", final.Text, StringComparison.Ordinal);
        Assert.Equal(530, (await smtp.CommandAsync($"MAIL FROM:<{me.Address}>")).Code);

        // The same session can then authenticate with a fresh token.
        Assert.Equal(235, (await smtp.CommandAsync($"AUTH XOAUTH2 {B64($"user={me.Address}\u0001auth=Bearer {Token(me.Rpps!)}\u0001\u0001")}")).Code);
    }

    [Fact]
    public async Task IMAP_refuses_an_expired_token_with_NO_after_the_RFC7628_error_REQ13()
    {
        var me = Demo.Hospital.Mailboxes[0];
        var expired = Demo.Demo.Authority.Psc!.IssueAccessToken(me.Rpps!, "openid scope_all", DateTimeOffset.UtcNow.AddHours(-1), TimeSpan.FromMinutes(10));
        await using var imap = await ImapOverTlsAsync(Demo.Hospital.Imap);
        await imap.WriteLineAsync($"a AUTHENTICATE OAUTHBEARER {B64($"n,a={me.Address},\u0001auth=Bearer {expired}\u0001\u0001")}");
        var challenge = await imap.ReadLineAsync();
        Assert.StartsWith("+ ", challenge, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(FromB64(challenge[2..])))
        {
            Assert.Equal("invalid_token", json.RootElement.GetProperty("status").GetString());
            Assert.Equal(Demo.Json.Authority.Psc!.Discovery, json.RootElement.GetProperty("openid-configuration").GetString());
        }

        await imap.WriteLineAsync("AQ=="); // %x01, the client's dummy response
        var done = (await imap.ReadUntilTaggedAsync("a"))[^1];
        Assert.StartsWith("a NO [AUTHENTICATIONFAILED]", done, StringComparison.Ordinal);
        Assert.Contains("token expired", done, StringComparison.Ordinal);

        await imap.WriteLineAsync($"b AUTHENTICATE XOAUTH2 {B64($"user={me.Address}\u0001auth=Bearer {Token(me.Rpps!)}\u0001\u0001")}");
        Assert.StartsWith("b OK", (await imap.ReadUntilTaggedAsync("b"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_only_opens_the_mailboxes_of_its_professional()
    {
        var doctor = Demo.Hospital.Mailboxes[0];
        await using var smtp = await Demo.SmtpOverTlsAsync(Demo.Hospital.Submission, null);
        var (code, text) = await smtp.CommandAsync($"AUTH XOAUTH2 {B64($"user={Demo.Hospital.Mailboxes[1].Address}\u0001auth=Bearer {Token(doctor.Rpps!)}\u0001\u0001")}");
        Assert.Equal(334, code);
        Assert.Equal("403", JsonDocument.Parse(FromB64(text.Trim()[4..])).RootElement.GetProperty("status").GetString());
        var final = await smtp.CommandAsync(string.Empty);
        Assert.Equal(535, final.Code);
        Assert.Contains($"may not use mailbox {Demo.Hospital.Mailboxes[1].Address}", final.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sending_as_a_mailbox_one_neither_owns_nor_is_delegated_is_refused_550_5_7_1()
    {
        var doctor = Demo.Hospital.Mailboxes[0];
        await using var smtp = await Demo.SmtpOverTlsAsync(Demo.Hospital.Submission, null);
        Assert.Equal(235, (await smtp.CommandAsync($"AUTH XOAUTH2 {B64($"user={doctor.Address}\u0001auth=Bearer {Token(doctor.Rpps!)}\u0001\u0001")}")).Code);
        foreach (var other in new[] { Demo.Hospital.Mailboxes[1].Address, Demo.Hospital.Mailboxes[2].Address, Demo.Practice.Mailboxes[0].Address })
        {
            var (code, text) = await smtp.CommandAsync($"MAIL FROM:<{other}>");
            Assert.Equal(550, code);
            Assert.Contains("5.7.1", text, StringComparison.Ordinal);
            Assert.Contains("may send only as mailboxes it owns or is delegated", text, StringComparison.Ordinal);
        }

        Assert.Equal(550, (await smtp.CommandAsync("MAIL FROM:<>")).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{doctor.Address}>")).Code);
    }

    [Fact]
    public async Task EXTERNAL_with_a_certificate_owning_two_boxes_asks_for_an_authzid_then_sends_as_either()
    {
        var doctor = Demo.Practice.Mailboxes[0];
        using var cert = X509Certificate2.CreateFromPemFile(doctor.Cert!, doctor.Key!);
        await using var smtp = await Demo.SmtpOverTlsAsync(Demo.Practice.Submission, cert);
        var ambiguous = await smtp.CommandAsync("AUTH EXTERNAL =");
        Assert.Equal(535, ambiguous.Code);
        Assert.Contains("owns several mailboxes", ambiguous.Text, StringComparison.Ordinal);
        Assert.Contains(fixture.SecondBox, ambiguous.Text, StringComparison.Ordinal);
        Assert.Contains("authorization identity", ambiguous.Text, StringComparison.Ordinal);

        Assert.Equal(334, (await smtp.CommandAsync("AUTH EXTERNAL")).Code);
        Assert.Equal(235, (await smtp.CommandAsync(B64(doctor.Address))).Code);
        Assert.Equal(250, (await smtp.CommandAsync($"MAIL FROM:<{fixture.SecondBox}>")).Code); // owned by the same RPPS
        Assert.Equal(250, (await smtp.CommandAsync("RSET")).Code);
        Assert.Equal(550, (await smtp.CommandAsync($"MAIL FROM:<{Demo.Practice.Mailboxes[1].Address}>")).Code);
    }

    [Fact]
    public async Task EXTERNAL_without_a_certificate_or_with_the_operator_certificate_is_refused()
    {
        await using (var smtp = await Demo.SmtpOverTlsAsync(Demo.Hospital.Submission, null))
        {
            var (code, text) = await smtp.CommandAsync("AUTH EXTERNAL =");
            Assert.Equal(535, code);
            Assert.Contains("No client certificate", text, StringComparison.Ordinal);
        }

        // The operator's own relay certificate names no mailbox.
        using var operatorCert = DemoFixture.Load(Demo.Hospital.ClientCert);
        await using var imap = await ImapOverTlsAsync(Demo.Hospital.Imap, operatorCert);
        await imap.WriteLineAsync("a AUTHENTICATE EXTERNAL =");
        var done = (await imap.ReadUntilTaggedAsync("a"))[^1];
        Assert.StartsWith("a NO [AUTHORIZATIONFAILED]", done, StringComparison.Ordinal);
        Assert.Contains("no mailbox", done, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Where_PER_passwords_are_off_PLAIN_and_LOGIN_say_mechanism_too_weak_REQ15()
    {
        var per = $"dr.dupont@{AuthFixture.StrictDomain}";
        var org = $"accueil@{AuthFixture.StrictDomain}";
        await using (var smtp = await Demo.SmtpOverTlsAsync(AuthFixture.Endpoint(fixture.Strict, "submission"), null))
        {
            Assert.Contains("AUTH PLAIN LOGIN EXTERNAL XOAUTH2 OAUTHBEARER", (await smtp.CommandAsync("EHLO again.test")).Text, StringComparison.Ordinal);
            var plain = await smtp.CommandAsync("AUTH PLAIN " + B64($"\0{per}\0{AuthFixture.PasswordOf(per)}"));
            Assert.Equal(534, plain.Code);
            Assert.Contains("5.7.9", plain.Text, StringComparison.Ordinal);
            Assert.Contains("Pro Santé Connect token (XOAUTH2, OAUTHBEARER) or a CPS certificate (EXTERNAL)", plain.Text, StringComparison.Ordinal);
            Assert.Equal(334, (await smtp.CommandAsync("AUTH LOGIN " + B64(per))).Code);
            Assert.Equal(534, (await smtp.CommandAsync(B64(AuthFixture.PasswordOf(per)))).Code);
            Assert.Equal(235, (await smtp.CommandAsync("AUTH PLAIN " + B64($"\0{org}\0{AuthFixture.PasswordOf(org)}"))).Code); // ORG boxes keep passwords
        }

        await using (var imap = await ImapOverTlsAsync(AuthFixture.Endpoint(fixture.Strict, "imap")))
        {
            await imap.WriteLineAsync($"a LOGIN \"{per}\" \"{AuthFixture.PasswordOf(per)}\"");
            var login = (await imap.ReadUntilTaggedAsync("a"))[^1];
            Assert.StartsWith("a NO [CANNOT]", login, StringComparison.Ordinal);
            Assert.Contains("Pro Sante Connect token", login, StringComparison.Ordinal); // IMAP texts are folded to ASCII until UTF8=ACCEPT (RFC 6855)
            // The same professional's PSC token opens the PER box at this operator too.
            await imap.WriteLineAsync($"b AUTHENTICATE XOAUTH2 {B64($"user={per}\u0001auth=Bearer {Token(Demo.Hospital.Mailboxes[0].Rpps!)}\u0001\u0001")}");
            Assert.StartsWith("b OK", (await imap.ReadUntilTaggedAsync("b"))[^1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_password_methods_off_only_strong_mechanisms_are_advertised_and_LOGIN_is_disabled()
    {
        var org = $"accueil@{AuthFixture.NoPasswordDomain}";
        await using (var smtp = await Demo.SmtpOverTlsAsync(AuthFixture.Endpoint(fixture.NoPassword, "submission"), null))
        {
            var ehlo = (await smtp.CommandAsync("EHLO again.test")).Text;
            Assert.Contains("250 AUTH EXTERNAL XOAUTH2 OAUTHBEARER", ehlo, StringComparison.Ordinal);
            Assert.DoesNotContain("PLAIN", ehlo, StringComparison.Ordinal);
            var plain = await smtp.CommandAsync("AUTH PLAIN " + B64($"\0{org}\0{AuthFixture.PasswordOf(org)}"));
            Assert.Equal(534, plain.Code);
            Assert.Contains("5.7.9 Password authentication is disabled", plain.Text, StringComparison.Ordinal);
        }

        await using var imap = await ImapOverTlsAsync(AuthFixture.Endpoint(fixture.NoPassword, "imap"));
        await imap.WriteLineAsync("c CAPABILITY");
        var caps = (await imap.ReadUntilTaggedAsync("c"))[0];
        // No client certificate in this handshake: EXTERNAL is not offered (see the test below).
        Assert.Equal("* CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ ID ENABLE LOGINDISABLED SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER", caps);
        await imap.WriteLineAsync($"l LOGIN \"{org}\" \"{AuthFixture.PasswordOf(org)}\"");
        Assert.StartsWith("l NO [CANNOT] LOGIN is disabled", (await imap.ReadUntilTaggedAsync("l"))[^1], StringComparison.Ordinal);
        await imap.WriteLineAsync("p AUTHENTICATE PLAIN " + B64($"\0{org}\0{AuthFixture.PasswordOf(org)}"));
        Assert.StartsWith("p NO [CANNOT] Unsupported mechanism PLAIN", (await imap.ReadUntilTaggedAsync("p"))[^1], StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 6 point 4 (regression): mbsync picks AUTHENTICATE EXTERNAL whenever it is offered and gives up when it
    /// fails, so IMAP offers EXTERNAL only after a handshake that carried a client certificate.
    /// </summary>
    [Fact]
    public async Task Imap_offers_EXTERNAL_only_after_a_handshake_with_a_client_certificate()
    {
        static async Task<string> CapabilitiesAsync(LineClient imap)
        {
            await imap.WriteLineAsync("c CAPABILITY");
            var lines = await imap.ReadUntilTaggedAsync("c");
            Assert.StartsWith("c OK", lines[^1], StringComparison.Ordinal);
            return lines[0];
        }

        var doctor = Demo.Hospital.Mailboxes[0];
        await using (var anonymous = await ImapOverTlsAsync(Demo.Hospital.Imap))
        {
            var caps = await CapabilitiesAsync(anonymous);
            Assert.Contains(" AUTH=PLAIN", caps, StringComparison.Ordinal);
            Assert.DoesNotContain("AUTH=EXTERNAL", caps, StringComparison.Ordinal);
            // Still answered (not an unknown mechanism), with the reason.
            await anonymous.WriteLineAsync("e AUTHENTICATE EXTERNAL =");
            Assert.StartsWith("e NO [AUTHENTICATIONFAILED] No client certificate", (await anonymous.ReadUntilTaggedAsync("e"))[^1], StringComparison.Ordinal);
        }

        using var certificate = DemoFixture.Load(new DemoCertJson(doctor.Cert!, doctor.Key!));
        await using var withCertificate = await ImapOverTlsAsync(Demo.Hospital.Imap, certificate);
        Assert.Contains(" AUTH=EXTERNAL", await CapabilitiesAsync(withCertificate), StringComparison.Ordinal);
        await withCertificate.WriteLineAsync("e AUTHENTICATE EXTERNAL =");
        Assert.StartsWith("e OK", (await withCertificate.ReadUntilTaggedAsync("e"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_and_oversized_SASL_input_is_answered_and_the_session_goes_on()
    {
        var me = Demo.Hospital.Mailboxes[0];
        await using (var smtp = await Demo.SmtpOverTlsAsync(Demo.Hospital.Submission, null))
        {
            Assert.Equal(501, (await smtp.CommandAsync("AUTH PLAIN not-base64!")).Code);
            Assert.Equal(501, (await smtp.CommandAsync("AUTH PLAIN " + B64("no-nul-here"))).Code);
            Assert.Equal(504, (await smtp.CommandAsync("AUTH CRAM-MD5")).Code);
            // A long bearer token (over the 4,096-octet command limit) is read whole: RFC 4954 allows 12,288 octets.
            var longToken = $"user={me.Address}\u0001auth=Bearer {new string('a', 6000)}.b.c\u0001\u0001";
            var (code, _) = await smtp.CommandAsync("AUTH XOAUTH2 " + B64(longToken));
            Assert.Equal(334, code);
            Assert.Equal(535, (await smtp.CommandAsync(string.Empty)).Code);
            var huge = await smtp.CommandAsync("AUTH PLAIN " + new string('A', 13_000));
            Assert.Equal(500, huge.Code);
            Assert.Contains("Line too long", huge.Text, StringComparison.Ordinal);
            Assert.Equal(334, (await smtp.CommandAsync("AUTH PLAIN")).Code);
            Assert.Equal(501, (await smtp.CommandAsync("*")).Code); // cancelled
            Assert.Equal(250, (await smtp.CommandAsync("NOOP")).Code);
            Assert.Equal(235, (await smtp.CommandAsync("AUTH PLAIN " + B64($"\0{me.Address}\0{me.Password}"))).Code);
        }

        await using var imap = await ImapOverTlsAsync(Demo.Hospital.Imap);
        await imap.WriteLineAsync("a AUTHENTICATE XOAUTH2");
        Assert.Equal("+ ", await imap.ReadLineAsync());
        await imap.WriteLineAsync(new string('A', 20_000));
        var tooLong = (await imap.ReadUntilTaggedAsync("a"))[^1];
        Assert.Equal("a BAD SASL response longer than 16384 octets", tooLong);
        await imap.WriteLineAsync("b AUTHENTICATE PLAIN %%%");
        var invalid = (await imap.ReadUntilTaggedAsync("b"))[^1];
        Assert.StartsWith("b BAD AUTHENTICATE: ", invalid, StringComparison.Ordinal);
        Assert.Contains("base64", invalid, StringComparison.Ordinal);
        await imap.WriteLineAsync("c NOOP");
        Assert.StartsWith("c OK", (await imap.ReadUntilTaggedAsync("c"))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_test_PSC_serves_discovery_JWKS_and_tokens_and_refuses_bad_clients()
    {
        var psc = Demo.Json.Authority.Psc!;
        var doctor = Demo.Hospital.Mailboxes[0];
        var anchors = new X509Certificate2Collection();
        anchors.ImportFromPemFile(Demo.Json.Ca);
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
                chain.ChainPolicy.ExtraStore.AddRange(anchors);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return cert is not null && chain.Build(cert);
            },
        };
        using var http = new HttpClient(handler);
        using var discovery = JsonDocument.Parse(await http.GetStringAsync(psc.Discovery));
        Assert.Equal(psc.Issuer, discovery.RootElement.GetProperty("issuer").GetString());
        Assert.Equal(psc.TokenEndpoint, discovery.RootElement.GetProperty("token_endpoint").GetString());
        using var jwks = JsonDocument.Parse(await http.GetStringAsync(discovery.RootElement.GetProperty("jwks_uri").GetString()));
        var key = jwks.RootElement.GetProperty("keys")[0];
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.False(key.TryGetProperty("d", out _)); // public part only

        async Task<(int Status, JsonDocument Body, HttpResponseMessage Response)> PostAsync(Dictionary<string, string> form, AuthenticationHeaderValue? basic = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, psc.TokenEndpoint) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Authorization = basic;
            var response = await http.SendAsync(request);
            return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()), response);
        }

        var good = new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = doctor.Rpps!, ["password"] = doctor.PscPassword!, ["scope"] = psc.Scope };
        var (status, body, response) = await PostAsync(good, new AuthenticationHeaderValue("Basic", B64($"{psc.ClientId}:{psc.ClientSecret}")));
        Assert.Equal(200, status);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var jwt = new JsonWebToken(body.RootElement.GetProperty("access_token").GetString());
        Assert.Equal(psc.Issuer, jwt.Issuer);
        Assert.Equal([psc.Audience], jwt.Audiences);
        Assert.Equal("8" + doctor.Rpps, jwt.GetPayloadValue<string>("SubjectNameID"));
        Assert.Equal(key.GetProperty("kid").GetString(), jwt.Kid);
        Assert.True(jwt.ValidTo > DateTime.UtcNow && jwt.ValidTo <= DateTime.UtcNow.AddMinutes(11));

        Assert.Equal("invalid_client", (await PostAsync(new(good) { ["client_id"] = psc.ClientId, ["client_secret"] = "wrong" })).Body.RootElement.GetProperty("error").GetString());
        var withClient = new Dictionary<string, string>(good) { ["client_id"] = psc.ClientId, ["client_secret"] = psc.ClientSecret };
        Assert.Equal(200, (await PostAsync(withClient)).Status); // client_secret_post works too
        var badPassword = await PostAsync(new(withClient) { ["password"] = "wrong" });
        Assert.Equal((400, "invalid_grant"), (badPassword.Status, badPassword.Body.RootElement.GetProperty("error").GetString()));
        Assert.Equal("unsupported_grant_type", (await PostAsync(new(withClient) { ["grant_type"] = "client_credentials" })).Body.RootElement.GetProperty("error").GetString());
        Assert.Equal("invalid_scope", (await PostAsync(new(withClient) { ["scope"] = "openid admin" })).Body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task No_token_PSC_password_or_client_secret_reaches_the_log()
    {
        var doctor = Demo.Hospital.Mailboxes[0];
        var token = Token(doctor.Rpps!);
        await using (var smtp = await Demo.SmtpOverTlsAsync(Demo.Hospital.Submission, null))
        {
            Assert.Equal(235, (await smtp.CommandAsync($"AUTH OAUTHBEARER {B64($"n,a={doctor.Address},\u0001auth=Bearer {token}\u0001\u0001")}")).Code);
        }

        var badToken = token[..^8] + "AAAAAAAA";
        await using (var imap = await ImapOverTlsAsync(Demo.Hospital.Imap))
        {
            await imap.WriteLineAsync($"a AUTHENTICATE XOAUTH2 {B64($"user={doctor.Address}\u0001auth=Bearer {badToken}\u0001\u0001")}");
            Assert.StartsWith("+ ", await imap.ReadLineAsync(), StringComparison.Ordinal);
            await imap.WriteLineAsync(string.Empty);
            Assert.StartsWith("a NO", (await imap.ReadUntilTaggedAsync("a"))[^1], StringComparison.Ordinal);
        }

        var logs = Demo.Logs.AllText;
        Assert.Contains($"authenticated {doctor.Address} with OAUTHBEARER", logs, StringComparison.Ordinal);
        Assert.Contains("XOAUTH2: Authentication credentials invalid: token signature invalid", logs, StringComparison.Ordinal);
        var secrets = new[] { token, badToken, token.Split('.')[2], doctor.PscPassword!, Demo.Json.Authority.Psc!.ClientSecret };
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }
}
