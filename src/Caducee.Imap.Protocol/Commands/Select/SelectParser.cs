// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>Parses SELECT and EXAMINE.</summary>
internal static class SelectParser
{
    // select = "SELECT" SP mailbox [select-params] ; select-params = SP "(" select-param *(SP select-param) ")"
    // select-param = "CONDSTORE" / "QRESYNC" SP "(" uidvalidity SP mod-sequence-value [SP known-uids] [SP seq-match-data] ")"
    // seq-match-data = "(" known-sequence-set SP known-uid-set ")"
    public static ImapParseResult Parse(ArgumentReader r, bool readOnly)
    {
        if (!r.TryMailbox("mailbox name", out var mailbox))
        {
            return r.Error;
        }

        var condStore = false;
        QResyncParameters? qresync = null;
        if (!r.AtEnd)
        {
            if (!r.TryList("SELECT parameters", out var parameters))
            {
                return r.Error;
            }

            while (!parameters.AtEnd)
            {
                if (parameters.TryKeyword("CONDSTORE"))
                {
                    condStore = true;
                }
                else if (parameters.TryKeyword("QRESYNC"))
                {
                    if (qresync is not null || !TryQResync(parameters, out qresync))
                    {
                        parameters.Fail("QRESYNC must be given once, as (uidvalidity modseq [known-uids [(known-sequence-set known-uid-set)]])");
                        return r.Error;
                    }
                }
                else
                {
                    parameters.Fail($"unknown parameter {parameters.Describe(parameters.Peek()!)} (expected CONDSTORE or QRESYNC)");
                    return r.Error;
                }
            }
        }

        return r.TryEnd() ? new SelectCommand(mailbox, readOnly, condStore, qresync) { Tag = r.Tag } : r.Error;
    }

    private static bool TryQResync(ArgumentReader parameters, out QResyncParameters? qresync)
    {
        qresync = null;
        if (!parameters.TryList("QRESYNC parameters", out var q)
            || !q.TryNzNumber("UIDVALIDITY", out var uidValidity)
            || !q.TryNumber64("mod-sequence", out var modSeq)
            || modSeq == 0)
        {
            return false;
        }

        SequenceSet? knownUids = null, knownSeqs = null, knownSeqUids = null;
        if (!q.AtEnd && q.Peek()!.Kind != Receiver.ImapTokenKind.List && !q.TrySequenceSet("known UIDs", out knownUids))
        {
            return false;
        }

        if (!q.AtEnd)
        {
            if (!q.TryList("sequence match data", out var match)
                || !match.TrySequenceSet("known sequence set", out knownSeqs)
                || !match.TrySequenceSet("known UID set", out knownSeqUids)
                || !match.TryEnd())
            {
                return false;
            }
        }

        if (!q.TryEnd())
        {
            return false;
        }

        qresync = new QResyncParameters(uidValidity, modSeq, knownUids, knownSeqs, knownSeqUids);
        return true;
    }
}
