// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Text.Json;
using Caducee.EndToEnd.Tests.Infrastructure;

namespace Caducee.EndToEnd.Tests;

/// <summary>
/// Issue 2, points 2, 4, 6 and 7: the real `caducee demo` process, driven through demo.json by real
/// clients (Python's smtplib and imaplib), stopped with Ctrl-C, restarted on the same folder; its
/// whole console log is searched for the secrets and content the test used.
/// </summary>
public sealed class InteropTests
{
    private static string Script => Path.Combine(Repository.Root, "tests", "interop", "demo_roundtrip.py");

    private static async Task<string> WaitForDemoJsonAsync(string dir, CaduceeProcess process)
    {
        var path = Path.Combine(dir, "demo.json");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!File.Exists(path))
        {
            Assert.False(process.HasExited, "demo exited early:\n" + process.Stdout + process.Stderr);
            Assert.True(DateTime.UtcNow < deadline, "demo.json not written in time:\n" + process.Stdout + process.Stderr);
            await Task.Delay(200);
        }

        return path;
    }

    private static async Task<(int Code, string Output)> RunPythonAsync(string demoJson, string marker)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Script);
        info.ArgumentList.Add(demoJson);
        info.ArgumentList.Add(marker);
        using var python = Process.Start(info)!;
        var output = await python.StandardOutput.ReadToEndAsync();
        var error = await python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync();
        return (python.ExitCode, output + error);
    }

    [Fact]
    public async Task Python_smtplib_and_imaplib_drive_the_running_demo_and_nothing_secret_reaches_the_log()
    {
        var dir = Directory.CreateTempSubdirectory("caducee-interop-");
        try
        {
            using var demo = CaduceeProcess.Start(["demo", "--data", dir.FullName, "--base-port", "0"]);
            var demoJson = await WaitForDemoJsonAsync(dir.FullName, demo);
            var marker = "PY-" + Guid.NewGuid().ToString("N")[..10];

            var (code, output) = await RunPythonAsync(demoJson, marker);
            Assert.True(code == 0, output);
            using var result = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
            var r = result.RootElement;
            Assert.True(r.GetProperty("starttls_offered").GetBoolean());
            Assert.False(r.GetProperty("auth_before_tls").GetBoolean());
            Assert.Contains("PLAIN", r.GetProperty("auth_after_tls").GetString(), StringComparison.Ordinal);
            Assert.Contains("LOGINDISABLED", r.GetProperty("imap_caps_before_tls").EnumerateArray().Select(e => e.GetString()));
            Assert.True(r.GetProperty("delivered").GetBoolean());
            Assert.True(r.GetProperty("body_intact").GetBoolean());
            Assert.True(r.GetProperty("has_received").GetBoolean());
            Assert.True(r.GetProperty("x_mss_kept").GetBoolean());

            Assert.Equal(0, await demo.InterruptAsync(TimeSpan.FromSeconds(30)));
            var log = demo.Stdout + demo.Stderr;
            Assert.Contains("SessionId:", log, StringComparison.Ordinal);
            Assert.Contains("Delivered for 1 recipient(s)", log, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(demoJson));
            var passwords = json.RootElement.GetProperty("operators").EnumerateArray()
                .SelectMany(o => o.GetProperty("mailboxes").EnumerateArray())
                .Select(m => m.GetProperty("password").GetString()!)
                .ToList();
            Assert.Equal(5, passwords.Count);
            foreach (var secret in passwords.Append(marker).Append("hémoglobine").Append("Interop " + marker))
            {
                Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_second_start_reuses_the_folder_PKI_and_passwords()
    {
        var dir = Directory.CreateTempSubdirectory("caducee-restart-");
        try
        {
            string firstJson, firstCa;
            using (var first = CaduceeProcess.Start(["demo", "--data", dir.FullName, "--base-port", "0"]))
            {
                var path = await WaitForDemoJsonAsync(dir.FullName, first);
                firstJson = await File.ReadAllTextAsync(path);
                firstCa = await File.ReadAllTextAsync(Path.Combine(dir.FullName, "pki", "ca-bundle.pem"));
                await first.WaitForOutputAsync("Caducée demo is running", TimeSpan.FromSeconds(60));
                Assert.Equal(0, await first.InterruptAsync(TimeSpan.FromSeconds(30)));
                Assert.Contains("Stopping the demo", first.Stdout, StringComparison.Ordinal);
            }

            File.Delete(Path.Combine(dir.FullName, "demo.json"));
            using var second = CaduceeProcess.Start(["demo", "--data", dir.FullName, "--base-port", "0"]);
            var secondJson = await File.ReadAllTextAsync(await WaitForDemoJsonAsync(dir.FullName, second));
            await second.WaitForOutputAsync("Caducée demo is running", TimeSpan.FromSeconds(60));
            Assert.Equal(firstCa, await File.ReadAllTextAsync(Path.Combine(dir.FullName, "pki", "ca-bundle.pem")));
            static IEnumerable<string> Passwords(string json) => JsonDocument.Parse(json).RootElement.GetProperty("operators").EnumerateArray()
                .SelectMany(o => o.GetProperty("mailboxes").EnumerateArray()).Select(m => m.GetProperty("password").GetString()!);
            Assert.Equal(Passwords(firstJson), Passwords(secondJson));
            // The sample message is sent once, on the first start only.
            Assert.DoesNotContain("Demo sample message submitted", second.Stdout, StringComparison.Ordinal);
            Assert.Equal(0, await second.InterruptAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
