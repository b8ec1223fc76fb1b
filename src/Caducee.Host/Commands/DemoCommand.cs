// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using Caducee.Host.Demo;

namespace Caducee.Host.Commands;

/// <summary>`caducee demo [--data DIR] [--base-port N]`: the whole trust space on 127.0.0.1.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data")
        {
            Description = "Folder of the demo (PKI, one folder per operator, demo.json).",
            DefaultValueFactory = _ => "./data",
        };
        var basePort = new Option<int>("--base-port")
        {
            Description = "First port: authority HTTPS at N, operator i at N+10+10i (MX, submission, IMAP, HTTPS). 0 picks free ports.",
            DefaultValueFactory = _ => 10000,
        };
        basePort.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int>();
            if (value is < 0 or > 65000)
            {
                r.AddError("--base-port must be 0 (free ports) or a port from 1 to 65000");
            }
        });

        var command = new Command("demo", "Start an authority and two operators on 127.0.0.1 with a generated PKI and sample mailboxes; writes DIR/demo.json.") { data, basePort };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            using var shutdown = CommonOptions.Shutdown(ct);
            using var loggerFactory = CommonOptions.CreateLoggerFactory();
            await using var demo = await DemoEnvironment.StartAsync(parse.GetValue(data)!, parse.GetValue(basePort), loggerFactory, shutdown.Token).ConfigureAwait(false);
            PrintSummary(demo);
            await shutdown.WaitAsync().ConfigureAwait(false);
            Console.WriteLine("Stopping the demo…");

            return 0;
        }));
        return command;
    }

    private static void PrintSummary(DemoEnvironment demo)
    {
        var j = demo.Json;
        Console.WriteLine();
        Console.WriteLine("Caducée demo is running. Press Ctrl-C to stop.");
        Console.WriteLine($"  Trust-space authority : {j.Authority.Https}  (whitelist: {j.Authority.Whitelist})");
        foreach (var o in j.Operators)
        {
            Console.WriteLine($"  Operator {o.Name} ({o.Domain})");
            Console.WriteLine($"    MX {o.Mx}   submission {o.Submission}   IMAP {o.Imap}   IMAPS {o.Imaps}   web {o.Https}");
            foreach (var m in o.Mailboxes)
            {
                Console.WriteLine($"    {m.Kind} {m.Address}  — {m.DisplayName}");
            }
        }

        Console.WriteLine($"  CA bundle: {j.Ca}");
        Console.WriteLine($"  Passwords and certificates: {demo.DemoJsonPath}");
        Console.WriteLine();
    }
}
