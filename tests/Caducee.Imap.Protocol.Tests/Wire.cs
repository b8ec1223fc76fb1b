// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Buffers;
using System.Text;
using Caducee.Imap.Protocol.Commands;
using Caducee.Imap.Protocol.Receiver;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>Drives an <see cref="ImapReceiver"/> the way a session does, and parses what it assembles.</summary>
internal static class Wire
{
    public static byte[] Bytes(string wire) => Encoding.UTF8.GetBytes(wire);

    /// <summary>
    /// Feeds each read in turn; collects every result. A session reacts to IDLE (expects DONE) and to
    /// AUTHENTICATE without initial response (expects a continuation line).
    /// </summary>
    public static List<ReceiveResult> Drive(ImapReceiver receiver, IEnumerable<ReadOnlySequence<byte>> reads)
    {
        var results = new List<ReceiveResult>();
        foreach (var read in reads)
        {
            var buffer = read;
            while (true)
            {
                var result = receiver.Feed(ref buffer);
                if (result.Status == ReceiveStatus.NeedMoreData)
                {
                    Assert.True(buffer.IsEmpty, "NeedMoreData must consume the whole input");
                    break;
                }

                results.Add(result);
                if (result.Request is { Command: "IDLE" })
                {
                    receiver.ExpectIdleDone();
                }
                else if (result.Request is { Command: "AUTHENTICATE", Arguments.Count: 1 })
                {
                    receiver.ExpectContinuationLine();
                }
            }
        }

        return results;
    }

    /// <summary>Feeds the whole input in chunks of <paramref name="chunk"/> bytes.</summary>
    public static List<ReceiveResult> Feed(ImapReceiver receiver, byte[] bytes, int chunk)
    {
        var reads = new List<ReadOnlySequence<byte>>();
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            reads.Add(new ReadOnlySequence<byte>(bytes, i, Math.Min(chunk, bytes.Length - i)));
        }

        return Drive(receiver, reads);
    }

    public static List<ReceiveResult> Feed(ImapReceiver receiver, string wire, int chunk = 4096) => Feed(receiver, Bytes(wire), chunk);

    /// <summary>The single request in <paramref name="wire"/>.</summary>
    public static ImapRequest Request(string wire)
    {
        var results = Feed(new ImapReceiver(), wire).Where(r => r.Status != ReceiveStatus.NeedContinuation).ToList();
        var result = Assert.Single(results);
        Assert.True(result.Status == ReceiveStatus.Request, $"expected a request, got {result.Status}: {result.Error}");
        return result.Request!;
    }

    public static ImapParseResult Parse(string wire, ImapParserOptions? options = null) => ImapCommandParser.Parse(Request(wire), options);

    /// <summary>Parses and asserts success and the command type.</summary>
    public static T Command<T>(string wire, ImapParserOptions? options = null)
        where T : ImapCommand
    {
        var result = Parse(wire, options);
        Assert.True(result.IsSuccess, $"expected {typeof(T).Name}, got error: {result.Error?.ResponseText}");
        return Assert.IsType<T>(result.Command);
    }

    /// <summary>Parses and asserts failure.</summary>
    public static ImapParseError Error(string wire, ImapParserOptions? options = null)
    {
        var result = Parse(wire, options);
        Assert.False(result.IsSuccess, $"expected an error, got {result.Command}");
        return result.Error!;
    }

    /// <summary>A full rendering of a result, literal contents included (test-only: production code never prints them).</summary>
    public static string Render(ReceiveResult result) => result.Status switch
    {
        ReceiveStatus.Request => $"REQ {result.Request!.Tag} {result.Request.Command} {string.Join(' ', result.Request.Arguments.Select(Render))}",
        ReceiveStatus.Error => $"ERR {result.Tag} {result.ErrorStatus} {result.Error}",
        ReceiveStatus.ContinuationLine => $"LINE {Encoding.UTF8.GetString(result.Line.Span)}",
        _ => result.Status.ToString(),
    };

    public static string Render(ImapToken token) => token.Kind switch
    {
        ImapTokenKind.List => "(" + string.Join(' ', token.Children.Select(Render)) + ")",
        ImapTokenKind.Literal => (token.IsLiteral8 ? "~" : string.Empty) + "{" + Convert.ToHexString(token.Data.Span) + "}",
        ImapTokenKind.Quoted => "\"" + token.Text + "\"",
        ImapTokenKind.Nil => "NIL",
        _ => token.Text,
    };
}
