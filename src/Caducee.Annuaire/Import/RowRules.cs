// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;
using Ps = Caducee.Annuaire.Import.PsLibreAccesFormat;
using Mss = Caducee.Annuaire.Import.MssanteExtractionFormat;

namespace Caducee.Annuaire.Import;

/// <summary>
/// Row checks and diff keys for each file kind. A row that fails a check is reported with its 1-based
/// column and is not imported.
/// </summary>
internal static class RowRules
{
    public static int ColumnCount(DirectoryFileKind kind) => kind == DirectoryFileKind.PersonneActivite ? Ps.ColumnCount : Mss.ColumnCount;

    public static string[] Columns(DirectoryFileKind kind) => kind == DirectoryFileKind.PersonneActivite ? Ps.Columns : Mss.Columns;

    public static string EntryPrefix(DirectoryFileKind kind) => kind switch
    {
        DirectoryFileKind.PersonneActivite => DirectoryImportSources.PersonneActivitePrefix,
        DirectoryFileKind.CorrespondanceMssante => DirectoryImportSources.CorrespondancePrefix,
        _ => DirectoryImportSources.ListeRougePrefix,
    };

    /// <summary>
    /// Checks a data row and computes its diff key. PS_LibreAcces rows have no technical id, so an activity
    /// is keyed by national id + structure + profession + mode + role + genre + savoir-faire; a mailbox row
    /// is keyed by its lower-cased address (REQ-29: the address is the only key).
    /// </summary>
    /// <returns>null when the row is valid (and <paramref name="key"/> is set), else the failing column (1-based) and message.</returns>
    public static (int Column, string Message)? Check(DirectoryFileKind kind, string line, ReadOnlySpan<Range> f, out string key)
    {
        key = string.Empty;
        var span = line.AsSpan();
        if (kind == DirectoryFileKind.PersonneActivite)
        {
            if (!Fields.IsDigits(span[f[Ps.IdType]].Trim()))
            {
                return (Ps.IdType + 1, "identifier type must be a digit code (0 ADELI, 8 RPPS)");
            }

            if (!Fields.IsDigits(span[f[Ps.IdPP]].Trim()))
            {
                return (Ps.IdPP + 1, "professional identifier must be digits");
            }

            var idNat = span[f[Ps.IdNat]].Trim();
            if (idNat.Length == 0 || idNat.ContainsAnyExcept(s_alnum))
            {
                return (Ps.IdNat + 1, "national identifier must be letters and digits");
            }

            if (span[f[Ps.FamilyName]].Trim().Length == 0)
            {
                return (Ps.FamilyName + 1, "family name is empty");
            }

            if (!Fields.IsDigits(span[f[Ps.ProfessionCode]].Trim()))
            {
                return (Ps.ProfessionCode + 1, "profession code must be digits");
            }

            var postal = span[f[Ps.PostalCode]].Trim();
            var country = span[f[Ps.CountryLabel]].Trim();
            if (postal.Length > 0 && (country.Length == 0 || country.Equals("France", StringComparison.OrdinalIgnoreCase))
                && (postal.Length != 5 || !Fields.IsDigits(postal)))
            {
                return (Ps.PostalCode + 1, "French postal code must be 5 digits");
            }

            key = string.Concat(
                [idNat.ToString(), "|", span[f[Ps.StructureId]].Trim().ToString(), "|", span[f[Ps.ProfessionCode]].Trim().ToString(), "|",
                 span[f[Ps.ModeCode]].Trim().ToString(), "|", span[f[Ps.RoleCode]].Trim().ToString(), "|",
                 span[f[Ps.GenreCode]].Trim().ToString(), "|", span[f[Ps.SavoirFaireCode]].Trim().ToString()]);
            return null;
        }

        var type = span[f[Mss.Type]].Trim();
        var isPerson = type.SequenceEqual("PER") || type.SequenceEqual("CAB");
        if (!isPerson && !type.SequenceEqual("ORG") && !type.SequenceEqual("APP"))
        {
            return (Mss.Type + 1, $"mailbox type must be PER, ORG, APP or CAB, not '{type}'");
        }

        var address = span[f[Mss.Address]].Trim().ToString();
        if (!MailAddress.TryParse(address, out _, out var error))
        {
            return (Mss.Address + 1, $"invalid mailbox address: {error}");
        }

        if (isPerson && span[f[Mss.IdNat]].Trim().Length == 0)
        {
            return (Mss.IdNat + 1, "a PER/CAB mailbox needs the national identifier of its owner");
        }

        if (!isPerson && span[f[Mss.StructureId]].Trim().Length == 0)
        {
            return (Mss.StructureId + 1, "an ORG/APP mailbox needs a structure identifier");
        }

        var demat = span[f[Mss.Dematerialisation]].Trim();
        if (demat.Length > 0 && ParseBoolean(demat) is null)
        {
            return (Mss.Dematerialisation + 1, $"dematerialisation must be true/false/1/0, not '{demat}'");
        }

        key = address.ToLowerInvariant();
        return null;
    }

    public static bool? ParseBoolean(ReadOnlySpan<char> text)
    {
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.SequenceEqual("1") || text.Equals("oui", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (text.Equals("false", StringComparison.OrdinalIgnoreCase) || text.SequenceEqual("0") || text.Equals("non", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return null;
    }

    private static readonly System.Buffers.SearchValues<char> s_alnum =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
}
