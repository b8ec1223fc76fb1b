// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Net;

namespace Caducee.Smtp.Server.Tests.Infrastructure;

/// <summary>Runs <c>openssl s_client</c> (a TLS client independent of .NET) against a listener: the REQ-10 test tool.</summary>
public static class OpenSslClient
{
    public sealed record Result(int ExitCode, string Output)
    {
        public bool HandshakeDone => ExitCode == 0 && Output.Contains("Protocol version:", StringComparison.Ordinal);
    }

    /// <summary>
    /// Connects (with <c>-starttls smtp</c> unless <paramref name="implicitTls"/>) and returns openssl's output.
    /// Extra arguments choose the protocol and ciphers, e.g. <c>-tls1_1 -cipher DEFAULT@SECLEVEL=0</c>.
    /// </summary>
    public static async Task<Result> ConnectAsync(IPEndPoint endpoint, bool implicitTls, params string[] arguments)
    {
        var args = new List<string> { "s_client", "-connect", $"{endpoint.Address}:{endpoint.Port}", "-brief", "-servername", "localhost" };
        if (!implicitTls)
        {
            args.AddRange(["-starttls", "smtp"]);
        }

        args.AddRange(arguments);
        var start = new ProcessStartInfo("openssl", args)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("openssl could not be started");
        process.StandardInput.Close(); // end of input: s_client leaves once the handshake is over
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException("openssl s_client did not finish within 30 s");
        }

        return new Result(process.ExitCode, await stdout + await stderr);
    }
}
