// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Caducee.Benchmarks;

/// <summary>
/// The node under test, shared by the SMTP and IMAP benchmarks: `caducee serve` from the Host's Release build in
/// its own process (its memory is what the IMAP benchmark measures), its output kept in a file.
/// </summary>
internal sealed class CaduceeNode : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly StringBuilder _head = new();

    private CaduceeNode(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int ProcessId => _process.Id;

    public static CaduceeNode Start(string config, string logFile)
    {
        var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "Caducee.Host", new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Name, "caducee.dll"));
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("build the Host first (./build.sh bench smtp|imap does)", dll);
        }

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "serve", "--config", config })
        {
            info.ArgumentList.Add(a);
        }

        var node = new CaduceeNode(Process.Start(info)!, new StreamWriter(logFile) { AutoFlush = false });
        node._process.OutputDataReceived += (_, e) => node.Append(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Resident memory of the server process now (VmRSS) and its peak (VmHWM), in bytes.</summary>
    public (long Rss, long Peak) Memory() => ProcessMemory(_process.Id);

    public static (long Rss, long Peak) ProcessMemory(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadAllLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
        {
            static long Kb(string l) => long.Parse(l.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kb(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kb(line);
            }
        }

        return (rss, peak);
    }

    /// <summary>Open file descriptors of the server process.</summary>
    public int OpenFiles() => Directory.GetFiles($"/proc/{_process.Id.ToString(CultureInfo.InvariantCulture)}/fd").Length;

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.WriteLine(line);
            if (_head.Length < 64 * 1024)
            {
                _head.AppendLine(line);
            }
        }
    }

    public async Task WaitUntilRunningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_log)
            {
                if (_head.ToString().Contains("Caducée node running", StringComparison.Ordinal))
                {
                    return;
                }
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                lock (_log)
                {
                    throw new InvalidOperationException("caducee serve did not start:\n" + _head);
                }
            }

            await Task.Delay(100);
        }
    }

    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(cts.Token);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}
