// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography.X509Certificates;
using Caducee.Host.Demo;
using Microsoft.Extensions.Logging;

namespace Caducee.EndToEnd.Tests.Infrastructure;

/// <summary>The whole demo trust space, in process, on free loopback ports, with every log line captured.</summary>
public sealed class DemoFixture : IAsyncLifetime
{
    private ILoggerFactory? _loggerFactory;

    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory("caducee-e2e-");

    public CapturingLoggerProvider Logs { get; } = new();

    public DemoEnvironment Demo { get; private set; } = null!;

    public DemoJson Json => Demo.Json;

    public DemoOperatorJson Hospital => Json.Operators[0];

    public DemoOperatorJson Practice => Json.Operators[1];

    public async Task InitializeAsync()
    {
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        Demo = await DemoEnvironment.StartAsync(Directory.FullName, 0, _loggerFactory, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Demo.DisposeAsync();
        _loggerFactory?.Dispose();
        Directory.Delete(recursive: true);
    }

    public static X509Certificate2 Load(DemoCertJson files) => X509Certificate2.CreateFromPemFile(files.Cert, files.Key);

    /// <summary>Opens an SMTP session, reads the greeting, does EHLO and STARTTLS (with the certificate given).</summary>
    public async Task<LineClient> SmtpOverTlsAsync(string endpoint, X509Certificate2? clientCertificate)
    {
        var client = await LineClient.ConnectAsync(endpoint);
        Assert.Equal(220, (await client.ReadReplyAsync()).Code);
        Assert.Equal(250, (await client.CommandAsync("EHLO test.localhost")).Code);
        Assert.Equal(220, (await client.CommandAsync("STARTTLS")).Code);
        await client.StartTlsAsync(Json.Ca, clientCertificate);
        Assert.Equal(250, (await client.CommandAsync("EHLO test.localhost")).Code);
        return client;
    }

    /// <summary>Polls an IMAP mailbox until a message containing <paramref name="marker"/> arrives; returns its BODY[].</summary>
    public async Task<byte[]> WaitForMessageAsync(DemoOperatorJson op, DemoMailboxJson mailbox, string marker)
    {
        await using var imap = await LineClient.ConnectAsync(op.Imap);
        Assert.StartsWith("* OK", await imap.ReadLineAsync(), StringComparison.Ordinal);
        await imap.WriteLineAsync("a STARTTLS");
        Assert.StartsWith("a OK", (await imap.ReadUntilTaggedAsync("a"))[^1], StringComparison.Ordinal);
        await imap.StartTlsAsync(Json.Ca);
        await imap.WriteLineAsync($"b LOGIN \"{mailbox.Address}\" \"{mailbox.Password}\"");
        Assert.StartsWith("b OK", (await imap.ReadUntilTaggedAsync("b"))[^1], StringComparison.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (var attempt = 0; DateTime.UtcNow < deadline; attempt++)
        {
            await imap.WriteLineAsync($"s{attempt} SELECT INBOX");
            var select = await imap.ReadUntilTaggedAsync($"s{attempt}");
            var exists = int.Parse(select.First(l => l.EndsWith(" EXISTS", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            for (var n = exists; n >= 1; n--)
            {
                await imap.WriteLineAsync($"f{attempt}x{n} FETCH {n} (BODY.PEEK[])");
                var head = await imap.ReadLineAsync();
                var size = int.Parse(head[(head.LastIndexOf('{') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
                var body = await imap.ReadBytesAsync(size);
                var rest = await imap.ReadUntilTaggedAsync($"f{attempt}x{n}");
                Assert.StartsWith($"f{attempt}x{n} OK", rest[^1], StringComparison.Ordinal);
                if (System.Text.Encoding.UTF8.GetString(body).Contains(marker, StringComparison.Ordinal))
                {
                    return body;
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"no message with {marker} arrived in {mailbox.Address}");
    }
}
