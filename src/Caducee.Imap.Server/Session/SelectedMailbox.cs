// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Model;
using Caducee.Imap.Protocol.Selection;
using Caducee.Imap.Server.Mailboxes;

namespace Caducee.Imap.Server.Session;

/// <summary>
/// The session's view of its selected mailbox (RFC 9051 §2.3.1): sequence numbers as the client was last
/// told them (<see cref="Map"/>), the MODSEQ up to which it was told every change (<see cref="KnownModSeq"/>),
/// expunges seen in the store but not yet reported (they may not be sent during FETCH, STORE or SEARCH,
/// RFC 9051 §7.5.1), the saved search result ("$", RFC 5182) and the change-feed subscription that marks
/// the view stale. Small: one array of UIDs, no message data.
/// </summary>
internal sealed class SelectedMailbox : IDisposable
{
    private readonly FolderWatch _watch;

    public SelectedMailbox(ResolvedMailbox mailbox, bool readOnly, MessageSequenceMap map, long knownModSeq, IReadOnlyList<string> keywords, FolderWatch watch)
    {
        _watch = watch;
        Mailbox = mailbox;
        ReadOnly = readOnly;
        Map = map;
        KnownModSeq = knownModSeq;
        Keywords = new HashSet<string>(keywords.Where(k => k.Length > 0), StringComparer.OrdinalIgnoreCase);
    }

    public ResolvedMailbox Mailbox { get; }

    public FolderInfo Folder => Mailbox.Folder;

    public long FolderId => Mailbox.Folder.Id;

    public uint UidValidity => (uint)Mailbox.Folder.UidValidity;

    /// <summary>EXAMINE, or SELECT without any right to change anything.</summary>
    public bool ReadOnly { get; }

    public AclRights Rights => Mailbox.Rights;

    public MessageSequenceMap Map { get; }

    public long KnownModSeq { get; set; }

    /// <summary>UIDs expunged in the store, still in <see cref="Map"/> until they may be reported.</summary>
    public HashSet<uint> PendingExpunges { get; } = [];

    /// <summary>The keywords announced in the last FLAGS response (a new one calls for a new FLAGS response).</summary>
    public HashSet<string> Keywords { get; }

    /// <summary>The saved search result (SEARCHRES "$"): UIDs, possibly expunged since.</summary>
    public IReadOnlyCollection<uint> SavedResult { get; set; } = [];

    /// <summary>The change-feed subscription: stale once a change was committed that the session has not looked at.</summary>
    public FolderWatch Watch => _watch;

    /// <summary>
    /// After a write of this session that gave the folder <paramref name="newHighest"/> and whose effect the
    /// session reported itself: when it is the only change since <see cref="KnownModSeq"/> (one MODSEQ per
    /// write), the client knows everything up to it and the next poll need not repeat it.
    /// </summary>
    public void Acknowledge(long newHighest)
    {
        if (newHighest == KnownModSeq + 1)
        {
            KnownModSeq = newHighest;
        }
    }

    public void Dispose() => _watch.Dispose();
}
