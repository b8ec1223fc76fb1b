// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Frozen;
using Caducee.Smtp.Protocol.Commands;

namespace Caducee.Smtp.Protocol.StateMachine;

/// <summary>
/// The command-sequencing rules as data (STYLE.md §4.4, after SmtpServer's state table): for each state,
/// the verbs it accepts and the state a successful command leads to. Guards that depend on the session
/// (TLS, authentication, policy) are not here: they belong to the handlers and policy hooks.
/// </summary>
public static class SmtpStateTable
{
    private static readonly FrozenDictionary<(SmtpState, SmtpVerb), SmtpState> s_table = Build();

    /// <summary>True when <paramref name="verb"/> is allowed in <paramref name="state"/>; gives the next state on success.</summary>
    public static bool TryAccept(SmtpState state, SmtpVerb verb, out SmtpState next) => s_table.TryGetValue((state, verb), out next);

    private static FrozenDictionary<(SmtpState, SmtpVerb), SmtpState> Build()
    {
        // Verbs allowed anywhere, with the state they leave the session in.
        var anywhere = new (SmtpVerb Verb, SmtpState? Next)[]
        {
            (SmtpVerb.Noop, null),
            (SmtpVerb.Quit, null),
            (SmtpVerb.Vrfy, null),
            (SmtpVerb.Help, null),
            (SmtpVerb.Ehlo, SmtpState.Ready),
            (SmtpVerb.Helo, SmtpState.Ready),
        };

        var rows = new Dictionary<(SmtpState, SmtpVerb), SmtpState>
        {
            [(SmtpState.Ready, SmtpVerb.StartTls)] = SmtpState.Connected, // RFC 3207 §4.2: state is reset; EHLO again.
            [(SmtpState.Ready, SmtpVerb.Auth)] = SmtpState.Ready,
            [(SmtpState.Ready, SmtpVerb.Mail)] = SmtpState.MailGiven,
            [(SmtpState.Ready, SmtpVerb.Rset)] = SmtpState.Ready,
            [(SmtpState.MailGiven, SmtpVerb.Rcpt)] = SmtpState.RcptGiven,
            [(SmtpState.MailGiven, SmtpVerb.Rset)] = SmtpState.Ready,
            [(SmtpState.RcptGiven, SmtpVerb.Rcpt)] = SmtpState.RcptGiven,
            [(SmtpState.RcptGiven, SmtpVerb.Data)] = SmtpState.Ready,
            [(SmtpState.RcptGiven, SmtpVerb.Rset)] = SmtpState.Ready,

            // RFC 3030 §2: BDAT chunks until BDAT LAST; no DATA, MAIL or RCPT in between (503).
            [(SmtpState.RcptGiven, SmtpVerb.Bdat)] = SmtpState.InBdat,
            [(SmtpState.RcptGiven, SmtpVerb.BdatLast)] = SmtpState.Ready,
            [(SmtpState.InBdat, SmtpVerb.Bdat)] = SmtpState.InBdat,
            [(SmtpState.InBdat, SmtpVerb.BdatLast)] = SmtpState.Ready,
            [(SmtpState.InBdat, SmtpVerb.Rset)] = SmtpState.Ready,
            [(SmtpState.Connected, SmtpVerb.Rset)] = SmtpState.Connected,
        };

        foreach (var state in Enum.GetValues<SmtpState>())
        {
            foreach (var (verb, next) in anywhere)
            {
                rows[(state, verb)] = next ?? state;
            }
        }

        return rows.ToFrozenDictionary();
    }
}
