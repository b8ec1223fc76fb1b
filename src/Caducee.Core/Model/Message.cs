// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Model;

/// <summary>IMAP system flags (RFC 9051 §2.3.2), stored as a bit set.</summary>
[Flags]
public enum MessageFlags
{
    None = 0,
    Seen = 1,
    Answered = 2,
    Flagged = 4,
    Deleted = 8,
    Draft = 16,
}

/// <summary>
/// A message in a folder: what IMAP needs without reading the blob. <see cref="Views"/> is filled only
/// when asked for (it is decrypted on the way out).
/// </summary>
public sealed record MessageSummary(
    long Uid,
    long ModSeq,
    MessageFlags Flags,
    long Size,
    DateTimeOffset InternalDate,
    string BlobId)
{
    /// <summary>Keywords (RFC 9051 flag-keyword), as first spelled in this folder.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>The cached IMAP views (ENVELOPE, BODYSTRUCTURE, sort keys) when requested.</summary>
    public MessageViews? Views { get; init; }
}

/// <summary>One message in a folder state: UID, MODSEQ, system flags and the keyword bit set of the folder.</summary>
public readonly record struct MessageState(long Uid, long ModSeq, MessageFlags Flags, long KeywordBits);

/// <summary>
/// The state of a folder as SELECT needs it: every message in UID order with flags, keywords and MODSEQ,
/// plus the folder's keyword list (bit i of <see cref="MessageState.KeywordBits"/> is <c>Keywords[i]</c>).
/// </summary>
public sealed record FolderState(FolderInfo Folder, IReadOnlyList<string> Keywords, MessageState[] Messages)
{
    /// <summary>The keyword names of one message.</summary>
    public IReadOnlyList<string> KeywordsOf(MessageState message) => KeywordNames.Of(Keywords, message.KeywordBits);
}

/// <summary>Keyword bit sets of a folder.</summary>
public static class KeywordNames
{
    /// <summary>The most distinct keywords one folder can hold (one bit each in a 64-bit set).</summary>
    public const int MaxPerFolder = 64;

    public static IReadOnlyList<string> Of(IReadOnlyList<string> folderKeywords, long bits)
    {
        if (bits == 0)
        {
            return [];
        }

        var names = new List<string>();
        for (var i = 0; i < folderKeywords.Count && i < MaxPerFolder; i++)
        {
            if ((bits & (1L << i)) != 0)
            {
                names.Add(folderKeywords[i]);
            }
        }

        return names;
    }

    /// <summary>
    /// A keyword is an IMAP atom that does not start with "\" (RFC 9051 flag-keyword): no space, control,
    /// "(", ")", "{", "%", "*", quote, "\" or "]", at most 128 characters.
    /// </summary>
    public static bool IsValid(string keyword) =>
        keyword.Length is > 0 and <= 128 &&
        keyword.All(c => c > ' ' && c < 127 && c is not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']'));
}

/// <summary>How STORE changes flags (RFC 9051 §6.4.6): +FLAGS, -FLAGS or FLAGS.</summary>
public enum FlagOperation
{
    Add,
    Remove,
    Replace,
}

/// <summary>A flag change: system flags and keywords, added, removed or replacing the current ones.</summary>
public sealed record FlagChange(FlagOperation Operation, MessageFlags Flags, IReadOnlyCollection<string> Keywords)
{
    public static FlagChange Add(MessageFlags flags, params string[] keywords) => new(FlagOperation.Add, flags, keywords);

    public static FlagChange Remove(MessageFlags flags, params string[] keywords) => new(FlagOperation.Remove, flags, keywords);

    public static FlagChange Replace(MessageFlags flags, params string[] keywords) => new(FlagOperation.Replace, flags, keywords);
}

/// <summary>
/// The outcome of a STORE: the messages whose flags changed (with their new MODSEQ), the UIDs that failed
/// UNCHANGEDSINCE (RFC 7162 §3.1.3, the MODIFIED response code), and the folder's new HIGHESTMODSEQ.
/// </summary>
public sealed record StoreFlagsResult(IReadOnlyList<MessageSummary> Changed, IReadOnlyList<long> Modified, long HighestModSeq);

/// <summary>A message to APPEND (RFC 9051 §6.3.12) with its flags, keywords and internal date.</summary>
public sealed record AppendMessage(ReadOnlyMemory<byte> Content, MessageFlags Flags = MessageFlags.None, IReadOnlyCollection<string>? Keywords = null, DateTimeOffset? InternalDate = null);

/// <summary>The APPENDUID response code data (RFC 4315): UIDVALIDITY and the UIDs given, in order.</summary>
public sealed record AppendResult(long UidValidity, IReadOnlyList<long> Uids, long HighestModSeq);

/// <summary>The COPYUID response code data (RFC 4315): the target's UIDVALIDITY and the UID pairs, in source UID order.</summary>
public sealed record CopyResult(long UidValidity, IReadOnlyList<(long Source, long Target)> Mapping, long TargetHighestModSeq);

/// <summary>MOVE (RFC 6851): the copy part, then the UIDs expunged from the source and its new HIGHESTMODSEQ.</summary>
public sealed record MoveResult(CopyResult Copy, IReadOnlyList<long> Expunged, long SourceHighestModSeq);

/// <summary>EXPUNGE / UID EXPUNGE: the UIDs removed, in UID order, and the folder's new HIGHESTMODSEQ.</summary>
public sealed record ExpungeResult(IReadOnlyList<long> Expunged, long HighestModSeq);

/// <summary>
/// What changed in a folder since a MODSEQ (CONDSTORE CHANGEDSINCE, QRESYNC): messages whose MODSEQ is
/// greater (new or with changed flags) and the UIDs expunged after it (VANISHED (EARLIER)).
/// </summary>
public sealed record FolderChanges(long HighestModSeq, IReadOnlyList<MessageSummary> Changed, IReadOnlyList<long> Expunged);
