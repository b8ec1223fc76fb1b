// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Commands.Parsing;

namespace Caducee.Imap.Protocol.Commands;

/// <summary>Parses SORT and UID SORT.</summary>
internal static class SortParser
{
    // sort = ["UID" SP] "SORT" [SP "RETURN" SP "(" return-options ")"] SP sort-criteria SP search-criteria
    // sort-criteria = "(" sort-criterion *(SP sort-criterion) ")" ; sort-criterion = ["REVERSE" SP] sort-key
    // search-criteria = charset 1*(SP search-key)
    public static ImapParseResult Parse(ArgumentReader r, bool uid)
    {
        SearchReturnOptions? returns = null;
        if (r.TryKeyword("RETURN"))
        {
            if (!SearchParser.TryReturnOptions(r, out var options))
            {
                return r.Error;
            }

            returns = options;
        }

        if (!r.TryList("sort criteria", out var list))
        {
            return r.Error;
        }

        var criteria = new List<SortCriterion>();
        while (!list.AtEnd)
        {
            var reverse = list.TryKeyword("REVERSE");
            if (!list.TryAtom("sort key", out var name))
            {
                return r.Error;
            }

            SortKey? key = name.ToUpperInvariant() switch
            {
                "ARRIVAL" => SortKey.Arrival,
                "CC" => SortKey.Cc,
                "DATE" => SortKey.Date,
                "FROM" => SortKey.From,
                "SIZE" => SortKey.Size,
                "SUBJECT" => SortKey.Subject,
                "TO" => SortKey.To,
                "DISPLAYFROM" => SortKey.DisplayFrom,
                "DISPLAYTO" => SortKey.DisplayTo,
                _ => null,
            };
            if (key is null)
            {
                list.Fail($"unknown sort key '{name}' (expected ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM or DISPLAYTO)");
                return r.Error;
            }

            if (criteria.Count >= 32)
            {
                list.Fail("too many sort criteria");
                return r.Error;
            }

            criteria.Add(new SortCriterion(key.Value, reverse));
        }

        if (criteria.Count == 0)
        {
            r.Fail("at least one sort criterion is needed");
            return r.Error;
        }

        if (!SearchParser.TryCharset(r, out var charset) || !SearchParser.TryCriteria(r, out var search, out _))
        {
            return r.Error;
        }

        return new SortCommand(uid, criteria, charset, search, returns) { Tag = r.Tag };
    }
}
