// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Caducee.Annuaire.Fhir;
using Caducee.Annuaire.Publishing;
using Microsoft.Data.Sqlite;

namespace Caducee.Annuaire.Store;

/// <summary>One row of <c>mss_publication</c>: the last publication of an address by an operator.</summary>
internal sealed record PublicationRow(
    PublicationCarrier Carrier,
    string Owner,
    PublishedMailbox Mailbox,
    bool Published,
    string OperatorDn,
    long Version,
    DateTimeOffset UpdatedAt)
{
    public string Key => Mailbox.Address.ToLowerInvariant();

    /// <summary>Shown in search, FHIR and the export: published and not liste rouge (REQ-24).</summary>
    public bool Visible => Published && !Mailbox.ListeRouge;
}

/// <summary>SQL of the <c>mss_publication</c> table (see <see cref="DirectorySchema"/>).</summary>
internal static class PublicationTable
{
    private const string Columns = "address, carrier, owner, type, status, liste_rouge, rank, description, service, responsible, dematerialisation, operator_dn, version, updated_at";

    public static List<PublicationRow> ReadAll(SqliteConnection connection, SqliteTransaction? transaction = null) =>
        Read(connection, transaction, $"SELECT {Columns} FROM mss_publication ORDER BY version", null);

    public static List<PublicationRow> ReadOwner(SqliteConnection connection, SqliteTransaction? transaction, PublicationCarrier carrier, string owner) =>
        Read(connection, transaction, $"SELECT {Columns} FROM mss_publication WHERE carrier = $c AND owner = $o ORDER BY version", c =>
        {
            c.Parameters.AddWithValue("$c", carrier.ToString());
            c.Parameters.AddWithValue("$o", owner);
        });

    public static PublicationRow? Find(SqliteConnection connection, SqliteTransaction? transaction, string key) =>
        Read(connection, transaction, $"SELECT {Columns} FROM mss_publication WHERE key = $k", c => c.Parameters.AddWithValue("$k", key)).FirstOrDefault();

    public static long MaxVersion(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM mss_publication";
        return (long)command.ExecuteScalar()!;
    }

    public static void Upsert(SqliteConnection connection, SqliteTransaction transaction, PublicationRow row)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO mss_publication(key, {Columns})
            VALUES ($key, $address, $carrier, $owner, $type, $status, $lr, $rank, $description, $service, $responsible, $demat, $dn, $version, $at)
            ON CONFLICT(key) DO UPDATE SET address = excluded.address, carrier = excluded.carrier, owner = excluded.owner,
                type = excluded.type, status = excluded.status, liste_rouge = excluded.liste_rouge, rank = excluded.rank,
                description = excluded.description, service = excluded.service, responsible = excluded.responsible,
                dematerialisation = excluded.dematerialisation, operator_dn = excluded.operator_dn,
                version = excluded.version, updated_at = excluded.updated_at
            """;
        var m = row.Mailbox;
        command.Parameters.AddWithValue("$key", row.Key);
        command.Parameters.AddWithValue("$address", m.Address);
        command.Parameters.AddWithValue("$carrier", row.Carrier.ToString());
        command.Parameters.AddWithValue("$owner", row.Owner);
        command.Parameters.AddWithValue("$type", FhirMailboxPatch.TypeCode(m.Type));
        command.Parameters.AddWithValue("$status", row.Published ? "published" : "withdrawn");
        command.Parameters.AddWithValue("$lr", m.ListeRouge ? 1 : 0);
        command.Parameters.AddWithValue("$rank", (object?)m.Rank ?? DBNull.Value);
        command.Parameters.AddWithValue("$description", (object?)m.Description ?? DBNull.Value);
        command.Parameters.AddWithValue("$service", (object?)m.Service ?? DBNull.Value);
        command.Parameters.AddWithValue("$responsible", (object?)m.Responsible ?? DBNull.Value);
        command.Parameters.AddWithValue("$demat", m.Dematerialisation is { } d ? d ? 1 : 0 : DBNull.Value);
        command.Parameters.AddWithValue("$dn", row.OperatorDn);
        command.Parameters.AddWithValue("$version", row.Version);
        command.Parameters.AddWithValue("$at", row.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    private static List<PublicationRow> Read(SqliteConnection connection, SqliteTransaction? transaction, string sql, Action<SqliteCommand>? bind)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        bind?.Invoke(command);
        using var reader = command.ExecuteReader();
        var rows = new List<PublicationRow>();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            var mailbox = new PublishedMailbox(
                reader.GetString(0),
                FhirMailboxPatch.ParseType(reader.GetString(3)) ?? Model.MailboxType.Per,
                reader.GetInt64(5) != 0,
                reader.IsDBNull(6) ? null : reader.GetInt32(6),
                Text(7),
                Text(8),
                Text(9),
                reader.IsDBNull(10) ? null : reader.GetInt64(10) != 0);
            rows.Add(new PublicationRow(
                reader.GetString(1) == nameof(PublicationCarrier.Organization) ? PublicationCarrier.Organization : PublicationCarrier.Practitioner,
                reader.GetString(2),
                mailbox,
                reader.GetString(4) == "published",
                reader.GetString(11),
                reader.GetInt64(12),
                DateTimeOffset.Parse(reader.GetString(13), CultureInfo.InvariantCulture)));
        }

        return rows;
    }
}
