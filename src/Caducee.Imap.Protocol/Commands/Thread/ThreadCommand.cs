// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>THREAD algorithms (RFC 5256 §3).</summary>
public enum ThreadAlgorithm
{
    /// <summary>ORDEREDSUBJECT: by base subject, then date.</summary>
    OrderedSubject,
    /// <summary>REFERENCES: by Message-ID / References / In-Reply-To (JWZ).</summary>
    References,
}

/// <summary>THREAD and UID THREAD (RFC 5256 §3). Helpers: <see cref="Search.ImapThreading"/>.</summary>
public sealed record ThreadCommand(bool Uid, ThreadAlgorithm Algorithm, string Charset, SearchKey Search) : ImapCommand
{
    /// <inheritdoc/>
    public override string Name => Uid ? "UID THREAD" : "THREAD";

    // thread = ["UID" SP] "THREAD" SP thread-alg SP search-criteria ; thread-alg = "ORDEREDSUBJECT" / "REFERENCES" / thread-alg-ext
    internal static ImapParseResult Parse(ArgumentReader r, bool uid)
    {
        if (!r.TryAtom("threading algorithm", out var name))
        {
            return r.Error;
        }

        ThreadAlgorithm algorithm;
        switch (name.ToUpperInvariant())
        {
            case "ORDEREDSUBJECT":
                algorithm = ThreadAlgorithm.OrderedSubject;
                break;
            case "REFERENCES":
                algorithm = ThreadAlgorithm.References;
                break;
            default:
                r.Fail($"unknown threading algorithm '{name}' (expected ORDEREDSUBJECT or REFERENCES)");
                return r.Error;
        }

        if (!SearchParser.TryCharset(r, out var charset) || !SearchParser.TryCriteria(r, out var search, out _))
        {
            return r.Error;
        }

        return new ThreadCommand(uid, algorithm, charset, search) { Tag = r.Tag };
    }
}
