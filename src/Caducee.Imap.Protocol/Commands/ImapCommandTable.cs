// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Frozen;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>The connection states of RFC 9051 §3 in which a command may be valid.</summary>
[Flags]
public enum ImapSessionStates
{
    /// <summary>Not authenticated.</summary>
    NotAuthenticated = 1,
    /// <summary>Authenticated.</summary>
    Authenticated = 2,
    /// <summary>Selected.</summary>
    Selected = 4,
    /// <summary>Any state.</summary>
    Any = NotAuthenticated | Authenticated | Selected,
    /// <summary>Authenticated or selected.</summary>
    AfterLogin = Authenticated | Selected,
}

/// <summary>What a command does to pipelining (RFC 9051 §5.5; Dovecot's COMMAND_FLAG_USES_SEQS / BREAKS_SEQS).</summary>
[Flags]
public enum ImapCommandFlags
{
    /// <summary>Nothing special.</summary>
    None = 0,
    /// <summary>Uses message sequence numbers: must not run before an earlier command that breaks them has finished.</summary>
    UsesSequenceNumbers = 1,
    /// <summary>May expunge or change the selected mailbox: later commands using sequence numbers wait for it.</summary>
    BreaksSequenceNumbers = 2,
    /// <summary>Nothing may follow it in the same read (STARTTLS, COMPRESS, AUTHENTICATE without initial response, IDLE).</summary>
    EndsPipeline = 4,
}

/// <summary>One row of the command table.</summary>
/// <param name="Name">The command name ("UID FETCH").</param>
/// <param name="AllowedIn">The states the command is valid in (BAD otherwise).</param>
/// <param name="Flags">Pipelining flags.</param>
/// <param name="Capability">The capability that advertises the command, or null for IMAP4rev1/IMAP4rev2 base commands.</param>
public sealed record ImapCommandInfo(string Name, ImapSessionStates AllowedIn, ImapCommandFlags Flags, string? Capability)
{
    /// <summary>True when valid in <paramref name="state"/>.</summary>
    public bool IsAllowedIn(ImapSessionStates state) => (AllowedIn & state) != 0;
}

/// <summary>The command table as data (STYLE.md §4.4): states and pipelining flags for every command the parser knows.</summary>
public static class ImapCommandTable
{
    private const ImapSessionStates Any = ImapSessionStates.Any;
    private const ImapSessionStates NotAuth = ImapSessionStates.NotAuthenticated;
    private const ImapSessionStates Auth = ImapSessionStates.AfterLogin;
    private const ImapSessionStates Sel = ImapSessionStates.Selected;
    private const ImapCommandFlags Uses = ImapCommandFlags.UsesSequenceNumbers;
    private const ImapCommandFlags Breaks = ImapCommandFlags.BreaksSequenceNumbers;
    private const ImapCommandFlags Ends = ImapCommandFlags.EndsPipeline;
    private const ImapCommandFlags None = ImapCommandFlags.None;

    private static readonly FrozenDictionary<string, ImapCommandInfo> s_table = new ImapCommandInfo[]
    {
        new("CAPABILITY", Any, None, null),
        new("NOOP", Any, None, null),
        new("LOGOUT", Any, Ends, null),
        new("ID", Any, None, "ID"),
        new("STARTTLS", NotAuth, Ends, "STARTTLS"),
        new("AUTHENTICATE", NotAuth, Ends, null),
        new("LOGIN", NotAuth, None, null),
        new("COMPRESS", Auth, Ends, "COMPRESS=DEFLATE"),
        new("ENABLE", Auth, None, "ENABLE"),
        new("SELECT", Auth, Breaks, null),
        new("EXAMINE", Auth, Breaks, null),
        new("CREATE", Auth, None, null),
        new("DELETE", Auth, None, null),
        new("RENAME", Auth, None, null),
        new("SUBSCRIBE", Auth, None, null),
        new("UNSUBSCRIBE", Auth, None, null),
        new("LIST", Auth, None, null),
        new("LSUB", Auth, None, null),
        new("NAMESPACE", Auth, None, "NAMESPACE"),
        new("STATUS", Auth, None, null),
        new("APPEND", Auth, None, null),
        new("IDLE", Auth, Ends, "IDLE"),
        new("GETQUOTA", Auth, None, "QUOTA"),
        new("GETQUOTAROOT", Auth, None, "QUOTA"),
        new("SETQUOTA", Auth, None, "QUOTA"),
        new("GETACL", Auth, None, "ACL"),
        new("SETACL", Auth, None, "ACL"),
        new("DELETEACL", Auth, None, "ACL"),
        new("LISTRIGHTS", Auth, None, "ACL"),
        new("MYRIGHTS", Auth, None, "ACL"),
        new("GETMETADATA", Auth, None, "METADATA"),
        new("SETMETADATA", Auth, None, "METADATA"),
        new("CHECK", Sel, None, null),
        new("CLOSE", Sel, Breaks, null),
        new("UNSELECT", Sel, Breaks, "UNSELECT"),
        new("EXPUNGE", Sel, Breaks, null),
        new("UID EXPUNGE", Sel, Breaks, "UIDPLUS"),
        new("SEARCH", Sel, Uses, null),
        new("UID SEARCH", Sel, None, null),
        new("FETCH", Sel, Uses, null),
        new("UID FETCH", Sel, None, null),
        new("STORE", Sel, Uses, null),
        new("UID STORE", Sel, None, null),
        new("COPY", Sel, Uses, null),
        new("UID COPY", Sel, None, null),
        new("MOVE", Sel, Uses | Breaks, "MOVE"),
        new("UID MOVE", Sel, Breaks, "MOVE"),
        new("SORT", Sel, Uses, "SORT"),
        new("UID SORT", Sel, None, "SORT"),
        new("THREAD", Sel, Uses, "THREAD=REFERENCES"),
        new("UID THREAD", Sel, None, "THREAD=REFERENCES"),
    }.ToFrozenDictionary(i => i.Name, StringComparer.Ordinal);

    /// <summary>Every row.</summary>
    public static IEnumerable<ImapCommandInfo> All => s_table.Values;

    /// <summary>The row of a command name as in <see cref="Receiver.ImapRequest.Command"/>.</summary>
    public static bool TryGet(string command, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImapCommandInfo? info) => s_table.TryGetValue(command, out info);
}
