// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Protocol.Commands;

/// <summary>The verbs the server knows; the state table is keyed by these.</summary>
public enum SmtpVerb
{
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    /// <summary>BDAT … LAST: the last chunk of a message.</summary>
    BdatLast,
    Rset,
    Noop,
    Quit,
    StartTls,
    Auth,
    Vrfy,
    Help,
    Invalid,
}

/// <summary>A parsed SMTP command. One record per verb, each in its own file (STYLE.md §4.5).</summary>
public abstract record SmtpCommand(SmtpVerb Verb);
