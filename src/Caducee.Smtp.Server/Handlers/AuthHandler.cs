// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Auth;
using Caducee.Core.Policy;
using Caducee.Primitives;
using Caducee.Smtp.Protocol.Commands;
using Caducee.Smtp.Server.Session;

namespace Caducee.Smtp.Server.Handlers;

/// <summary>
/// AUTH (RFC 4954) on the submission listener, over TLS only (REQ-12): PLAIN (RFC 4616) and LOGIN,
/// verified by the shared auth component, which throttles and locks out. Credentials are never logged.
/// </summary>
internal static class AuthHandler
{
    public static async ValueTask<bool> StartAsync(SmtpSession session, AuthCommand command, CancellationToken cancellationToken)
    {
        if (session.Options.Kind != SmtpListenerKind.Submission)
        {
            session.Errors++;
            session.Reply(new SmtpReply(503, "5.5.1", "AUTH is not available on the MX: operators authenticate with their TLS certificate"));
            return false;
        }

        if (session.Tls is null)
        {
            session.Errors++;
            session.Reply(new SmtpReply(538, "5.7.11", "Encryption required: issue STARTTLS before AUTH"));
            return false;
        }

        if (session.Principal is not null)
        {
            session.Errors++;
            session.Reply(new SmtpReply(503, "5.5.1", "Already authenticated"));
            return false;
        }

        switch (command.Mechanism)
        {
            case "PLAIN":
                if (command.InitialResponse is null)
                {
                    session.Sasl = new SaslExchange("PLAIN");
                    session.Reply(new SmtpReply(334, null, string.Empty));
                    return true;
                }

                await FinishPlainAsync(session, command.InitialResponse, cancellationToken).ConfigureAwait(false);
                return true;
            case "LOGIN":
                session.Sasl = new SaslExchange("LOGIN");
                if (command.InitialResponse is not null)
                {
                    return await ContinueAsync(session, command.InitialResponse, cancellationToken).ConfigureAwait(false);
                }

                session.Reply(new SmtpReply(334, null, "VXNlcm5hbWU6")); // "Username:"
                return true;
            default:
                session.Errors++;
                session.Reply(new SmtpReply(504, "5.5.4", $"Unrecognized authentication mechanism {command.Mechanism}; use PLAIN"));
                return false;
        }
    }

    /// <summary>Handles a SASL response line.</summary>
    public static async ValueTask<bool> ContinueAsync(SmtpSession session, string line, CancellationToken cancellationToken)
    {
        var exchange = session.Sasl!;
        if (line == "*")
        {
            session.Sasl = null;
            session.Reply(new SmtpReply(501, "5.0.0", "Authentication cancelled"));
            return false;
        }

        if (exchange.Mechanism == "PLAIN")
        {
            session.Sasl = null;
            await FinishPlainAsync(session, line, cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (!TryBase64(line, out var decoded))
        {
            session.Sasl = null;
            session.Errors++;
            session.Reply(new SmtpReply(501, "5.5.2", "Invalid base64 in SASL response"));
            return false;
        }

        if (exchange.UserName is null)
        {
            exchange.UserName = Encoding.UTF8.GetString(decoded);
            session.Reply(new SmtpReply(334, null, "UGFzc3dvcmQ6")); // "Password:"
            return true;
        }

        session.Sasl = null;
        await VerifyAsync(session, exchange.UserName, Encoding.UTF8.GetString(decoded), "LOGIN", cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task FinishPlainAsync(SmtpSession session, string response, CancellationToken cancellationToken)
    {
        // message = [authzid] UTF8NUL authcid UTF8NUL passwd (RFC 4616 §2)
        if (!TryBase64(response == "=" ? string.Empty : response, out var decoded))
        {
            session.Errors++;
            session.Reply(new SmtpReply(501, "5.5.2", "Invalid base64 in SASL response"));
            return;
        }

        var parts = Encoding.UTF8.GetString(decoded).Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            session.Errors++;
            session.Reply(new SmtpReply(501, "5.5.2", "Malformed PLAIN response: expected authzid NUL authcid NUL password"));
            return;
        }

        if (parts[0].Length > 0 && !string.Equals(parts[0], parts[1], StringComparison.OrdinalIgnoreCase))
        {
            session.Reply(new SmtpReply(535, "5.7.8", "Authorization identity must be empty or equal to the authentication identity"));
            return;
        }

        await VerifyAsync(session, parts[1], parts[2], "PLAIN", cancellationToken).ConfigureAwait(false);
    }

    private static async Task VerifyAsync(SmtpSession session, string user, string password, string mechanism, CancellationToken cancellationToken)
    {
        var result = await session.Services.Auth.AuthenticatePasswordAsync(user, password, session.Remote?.Address, cancellationToken).ConfigureAwait(false);
        if (result.Principal is { } principal)
        {
            session.Principal = principal with { Mechanism = mechanism };
            Log.AuthSucceeded(session.Logger, session.Id, principal.Mailbox.Address.ToString(), mechanism);
            session.Reply(new SmtpReply(235, "2.7.0", "Authentication successful"));
            return;
        }

        Log.AuthFailed(session.Logger, session.Id, user, result.Failure.ToString());
        session.Errors++;
        session.Reply(result.Failure switch
        {
            AuthFailure.LockedOut => new SmtpReply(454, "4.7.0", "Too many failed attempts; try again later"),
            AuthFailure.Unavailable => new SmtpReply(454, "4.7.0", "Temporary authentication failure; try again later"),
            AuthFailure.MailboxDisabled => new SmtpReply(535, "5.7.8", "Mailbox suspended or closed"),
            _ => new SmtpReply(535, "5.7.8", "Authentication credentials invalid"),
        });
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[(text.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}
