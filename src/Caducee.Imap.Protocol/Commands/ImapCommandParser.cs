// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Frozen;
using Caducee.Imap.Protocol.Commands.Parsing;
using Caducee.Imap.Protocol.Receiver;
using Caducee.Imap.Protocol.Responses;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>
/// Turns an <see cref="ImapRequest"/> from <see cref="ImapReceiver"/> into a typed <see cref="ImapCommand"/>,
/// dispatching on the command name (STYLE.md §4.4), or into the error to answer. Never throws on input.
/// Whether the command is allowed in the session's state is in <see cref="ImapCommandTable"/>.
/// </summary>
public static class ImapCommandParser
{
    private static readonly FrozenDictionary<string, Func<ArgumentReader, ImapParseResult>> s_parsers =
        new Dictionary<string, Func<ArgumentReader, ImapParseResult>>
        {
            ["CAPABILITY"] = CapabilityCommand.Parse,
            ["NOOP"] = NoopCommand.Parse,
            ["LOGOUT"] = LogoutCommand.Parse,
            ["STARTTLS"] = StartTlsCommand.Parse,
            ["AUTHENTICATE"] = AuthenticateCommand.Parse,
            ["LOGIN"] = LoginCommand.Parse,
            ["ENABLE"] = EnableCommand.Parse,
            ["SELECT"] = r => SelectParser.Parse(r, readOnly: false),
            ["EXAMINE"] = r => SelectParser.Parse(r, readOnly: true),
            ["CREATE"] = CreateCommand.Parse,
            ["DELETE"] = DeleteCommand.Parse,
            ["RENAME"] = RenameCommand.Parse,
            ["SUBSCRIBE"] = SubscribeCommand.Parse,
            ["UNSUBSCRIBE"] = UnsubscribeCommand.Parse,
            ["LIST"] = ListParser.Parse,
            ["LSUB"] = LsubCommand.Parse,
            ["NAMESPACE"] = NamespaceCommand.Parse,
            ["STATUS"] = StatusParser.Parse,
            ["APPEND"] = AppendParser.Parse,
            ["IDLE"] = IdleCommand.Parse,
            ["CHECK"] = CheckCommand.Parse,
            ["CLOSE"] = CloseCommand.Parse,
            ["UNSELECT"] = UnselectCommand.Parse,
            ["EXPUNGE"] = ExpungeCommand.Parse,
            ["UID EXPUNGE"] = ExpungeCommand.ParseUid,
            ["SEARCH"] = r => SearchParser.Parse(r, uid: false),
            ["UID SEARCH"] = r => SearchParser.Parse(r, uid: true),
            ["FETCH"] = r => FetchParser.Parse(r, uid: false),
            ["UID FETCH"] = r => FetchParser.Parse(r, uid: true),
            ["STORE"] = r => StoreParser.Parse(r, uid: false),
            ["UID STORE"] = r => StoreParser.Parse(r, uid: true),
            ["COPY"] = r => CopyCommand.Parse(r, uid: false),
            ["UID COPY"] = r => CopyCommand.Parse(r, uid: true),
            ["MOVE"] = r => MoveCommand.Parse(r, uid: false),
            ["UID MOVE"] = r => MoveCommand.Parse(r, uid: true),
            ["SORT"] = r => SortParser.Parse(r, uid: false),
            ["UID SORT"] = r => SortParser.Parse(r, uid: true),
            ["THREAD"] = r => ThreadCommand.Parse(r, uid: false),
            ["UID THREAD"] = r => ThreadCommand.Parse(r, uid: true),
            ["GETQUOTA"] = GetQuotaCommand.Parse,
            ["GETQUOTAROOT"] = GetQuotaRootCommand.Parse,
            ["SETQUOTA"] = SetQuotaCommand.Parse,
            ["GETACL"] = GetAclCommand.Parse,
            ["SETACL"] = SetAclCommand.Parse,
            ["DELETEACL"] = DeleteAclCommand.Parse,
            ["LISTRIGHTS"] = ListRightsCommand.Parse,
            ["MYRIGHTS"] = MyRightsCommand.Parse,
            ["ID"] = IdCommand.Parse,
            ["COMPRESS"] = CompressCommand.Parse,
            ["GETMETADATA"] = GetMetadataCommand.Parse,
            ["SETMETADATA"] = SetMetadataCommand.Parse,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The command names this parser knows (the same as <see cref="ImapCommandTable"/>).</summary>
    public static IEnumerable<string> Commands => s_parsers.Keys;

    /// <summary>
    /// Parses a request with the session's options (UTF-8 mailbox names once enabled). When parsing fails,
    /// literals streamed to sinks are aborted (<see cref="IImapLiteralSink.Abort"/>): nothing of a refused
    /// command is kept.
    /// </summary>
    public static ImapParseResult Parse(ImapRequest request, ImapParserOptions? options = null)
    {
        ImapParseResult result;
        if (!s_parsers.TryGetValue(request.Command, out var parser))
        {
            var shown = request.Command.Length > 40 ? request.Command[..40] : request.Command;
            result = new ImapParseError(request.Tag, ImapStatus.Bad, null, $"unknown command {shown}");
        }
        else
        {
            var reader = new ArgumentReader(request.Tag, request.Command, request.Arguments, options ?? ImapParserOptions.Default)
            {
                Sensitive = request.Command is "LOGIN" or "AUTHENTICATE",
            };
            result = parser(reader);
        }

        if (!result.IsSuccess)
        {
            AbortSinks(request.Arguments);
        }

        return result;
    }

    private static void AbortSinks(IReadOnlyList<ImapToken> tokens)
    {
        var stack = new Stack<ImapToken>(tokens);
        while (stack.Count > 0)
        {
            var token = stack.Pop();
            token.Sink?.Abort();
            foreach (var child in token.Children)
            {
                stack.Push(child);
            }
        }
    }
}
