// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using Caducee.Primitives;

namespace Caducee.Host.Commands;

/// <summary>`caducee init`: creates a data folder, its database and a commented configuration to edit.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var config = CommonOptions.StoreConfig();
        var domain = new Option<string>("--domain") { Description = "The MSSanté domain this operator hosts, e.g. hopital-nord.mssante.fr.", Required = true };
        var command = new Command("init", "Create a data folder with its database and a commented configuration file (DIR/caducee.json).") { data, domain, config };
        command.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            var name = parse.GetValue(domain)!;
            if (!DomainName.IsValid(name))
            {
                await Console.Error.WriteLineAsync($"error: --domain '{name}' is not a valid domain name; expected something like hopital-nord.mssante.fr").ConfigureAwait(false);
                return 2;
            }

            await using var storage = await CommonOptions.OpenStorageAsync(parse, data, config, ct).ConfigureAwait(false);
            await storage.Store.AddDomainAsync(name, ct).ConfigureAwait(false);
            var configFile = storage.Layout.ConfigFile;
            if (!File.Exists(configFile))
            {
                await File.WriteAllTextAsync(configFile, Template(name.ToLowerInvariant()), ct).ConfigureAwait(false);
                Console.WriteLine($"Wrote {configFile}: edit it, then run 'caducee serve --config {configFile}'.");
            }
            else
            {
                Console.WriteLine($"{configFile} exists; left as it is.");
            }

            Console.WriteLine($"Data folder ready: {storage.Layout.Root} (database {storage.Location}, domain {name}, schema version {await storage.Store.GetSchemaVersionAsync(ct).ConfigureAwait(false)}).");
            return 0;
        }));
        return command;
    }

    private static string Template(string domain) => $$"""
        // Caducée operator node configuration. Comments are allowed. Every key can be overridden by an
        // environment variable CADUCEE__<Key>__<SubKey>, e.g. CADUCEE__Listen__Mx=0.0.0.0:25.
        {
          // "operator" (an MSSanté operator) or "authority" (a trust-space authority).
          "Role": "operator",
          "Domain": "{{domain}}",
          // Name in the SMTP greeting and Received headers; must match the server certificate.
          "HostName": "mx.{{domain}}",
          // Relative paths are relative to this file.
          "DataDir": ".",
          "Listen": {
            // Inter-operator relay (mutual TLS, whitelisted operators only).
            "Mx": "0.0.0.0:25",
            // Submission for mail clients and professional software (STARTTLS, then AUTH).
            "Submission": "0.0.0.0:587",
            // Submission over implicit TLS (RFC 8314).
            "Submissions": "0.0.0.0:465",
            // IMAP with STARTTLS (LOGINDISABLED before it), and IMAP over implicit TLS (RFC 8314).
            "Imap": "0.0.0.0:143",
            "Imaps": "0.0.0.0:993",
            "Https": "0.0.0.0:443"
          },
          "Tls": {
            // IGC-Santé server certificate of the operator, PEM, and its key.
            "Certificate": "tls/server.pem",
            "Key": "tls/server.key",
            // The operator certificate presented to other operators; its DN is the whitelist's DNCertificatOperateur.
            "ClientCertificate": "tls/client.pem",
            "ClientKey": "tls/client.key",
            // Trust anchors and intermediates (the IGC-Santé chain, PEM).
            "TrustBundle": "tls/igc-sante.pem",
            // Optional TLS cipher allow-list (IANA names; ECDHE + AES-GCM/ChaCha20 by default, REQ-10).
            // "CipherSuites": ["TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"]
          },
          // CRLs of the trust anchors' authorities (REQ-09): without a current one, the MX answers 451.
          "Crl": {
            "Urls": [],
            "Interval": "01:00:00"
          },
          "Whitelist": {
            "Url": "https://espacedeconfiance.mssante.fr/listeblanchemssante.xml",
            // Optional: a file holding the SHA-256 of the list (REQ-03).
            "ChecksumUrl": "",
            "Interval": "01:00:00"
          },
          // Static routes for tests and private deployments: "domain": "host:port [tls-name]"; they win over the DNS.
          "Routes": {},
          // Other whitelisted domains are routed by DNS MX (RFC 5321 §5.1) with the in-house resolver:
          // Dns is "system" (/etc/resolv.conf), "off" (static routes only) or servers such as ["192.0.2.53", "127.0.0.1:5353"].
          "Routing": { "Dns": "system", "Port": 25 },
          "Limits": {
            "MaxMessageSize": 52428800,
            // RFC 5321 §4.5.3.1.6 (0: no limit).
            "MaxLineLength": 1000,
            // Per destination domain (REQ-18); patient.mssante.fr is 25000000 unless set here.
            "DestinationMaxSize": { "patient.mssante.fr": 25000000 }
          },
          // clamd's INSTREAM antivirus hook (REQ-44): unix socket path or host:port; empty disables it.
          // "Antivirus": { "Clamd": "/run/clamav/clamd.ctl", "Timeout": "00:01:00", "FailOpen": false },
          // RFC 5321 §4.5.3.2 timeouts (defaults shown).
          // "Smtp": { "Timeouts": { "Greeting": "00:05:00", "Mail": "00:05:00", "Rcpt": "00:05:00", "DataInitiation": "00:02:00", "DataBlock": "00:03:00", "DataTermination": "00:10:00", "Command": "00:05:00" } },
          // Outbound queue: first retry, backoff ceiling, lifetime before the bounce (RFC 5321 §4.5.4.1), one delay
          // notice after DelayNotice ("off": never), sessions kept open per destination for reuse.
          "Queue": {
            "RetryDelay": "00:01:00",
            "MaxRetryDelay": "01:00:00",
            "MaxLifetime": "5.00:00:00",
            "DelayNotice": "04:00:00",
            "ConnectionIdleTimeout": "00:00:30",
            "MaxConnectionsPerDestination": 4
          },
          // IMAP limits (defaults shown); APPENDLIMIT is Limits:MaxMessageSize. IdleTimeout (autologout) is at least 30 minutes (RFC 9051).
          // "Imap": { "MaxConnectionsPerUser": 20, "IdleTimeout": "00:30:00", "PreAuthTimeout": "00:01:00", "CommandTimeout": "00:02:00", "MaxLineLength": 65536, "MaxErrors": 20 },
          // The message store (docs/store.md): "sqlite" (default, DIR/caducee.db) or "postgres" for several nodes
          // sharing one database. Put the connection string in CADUCEE__Store__ConnectionString rather than here
          // (it holds a password). With several nodes, BlobPath is a folder they all share, and every node has
          // the same keys/master.key.
          // "Store": { "Provider": "postgres", "ConnectionString": "Host=db.example;Database=caducee;Username=caducee", "BlobPath": "/srv/caducee/blobs" },
          // Publication of this node's mailboxes to the Annuaire Santé (FHIR conditional PATCH with the
          // operator certificate above): the authority's FHIR base, e.g. https://annuaire.example/fhir.
          // Empty: not published; "Publish": false switches it off while keeping the URL.
          "Annuaire": {
            "PublicationUrl": "",
            "PublicationInterval": "00:01:00"
          },
          // Submission and IMAP authentication (docs/adr/0005-authentication.md).
          "Auth": {
            // SASL PLAIN/LOGIN and IMAP LOGIN at all; false leaves EXTERNAL, XOAUTH2 and OAUTHBEARER only.
            "PasswordMethods": true,
            // REQ-15: PER boxes use a Pro Santé Connect token or a CPS certificate, not a password.
            "PasswordForPer": false,
            // SASL EXTERNAL with a TLS client certificate (CPS for PER boxes, organisation certificate for APP boxes).
            "External": true,
            // XOAUTH2 and OAUTHBEARER: the OpenID Connect issuer of access tokens (Pro Santé Connect). Empty Issuer: off.
            "Oidc": {
              "Issuer": "",
              "Audience": "",
              "Scope": "scope_all",
              // The claim carrying the professional's idNatPS ("8" + RPPS).
              "RppsClaim": "SubjectNameID",
              // PEM bundle to verify the issuer's HTTPS certificate (default: Tls:TrustBundle).
              "TrustBundle": ""
            }
          }
        }

        """;
}
