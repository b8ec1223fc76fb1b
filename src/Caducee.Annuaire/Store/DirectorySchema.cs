// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Import;
using Microsoft.Data.Sqlite;

namespace Caducee.Annuaire.Store;

/// <summary>
/// The SQLite schema. Each national file has one table of its accepted rows: the diff key, a hash of the
/// row (to count changed rows on re-import) and the raw line (lossless; the in-memory index re-parses it).
/// <c>mss_publication</c> holds the operators' publications (issue 7 point 6), one row per address (the
/// lower-cased address is the key, as in the national extraction): a published box replaces the national
/// file's row for that address, a withdrawn one hides it (version 2).
/// </summary>
internal static class DirectorySchema
{
    public const int Version = 2;

    public static string Table(DirectoryFileKind kind) => kind switch
    {
        DirectoryFileKind.PersonneActivite => "ps_activity",
        DirectoryFileKind.CorrespondanceMssante => "mss_mailbox",
        _ => "mss_liste_rouge",
    };

    public static void Create(SqliteConnection connection)
    {
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS directory_meta(key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS ps_activity(key TEXT NOT NULL, hash INTEGER NOT NULL, line TEXT NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS ps_activity_key ON ps_activity(key);
            CREATE TABLE IF NOT EXISTS mss_mailbox(key TEXT NOT NULL, hash INTEGER NOT NULL, line TEXT NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS mss_mailbox_key ON mss_mailbox(key);
            CREATE TABLE IF NOT EXISTS mss_liste_rouge(key TEXT NOT NULL, hash INTEGER NOT NULL, line TEXT NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS mss_liste_rouge_key ON mss_liste_rouge(key);
            CREATE TABLE IF NOT EXISTS mss_publication(
                key TEXT NOT NULL PRIMARY KEY, address TEXT NOT NULL, carrier TEXT NOT NULL, owner TEXT NOT NULL,
                type TEXT NOT NULL, status TEXT NOT NULL, liste_rouge INTEGER NOT NULL, rank INTEGER, description TEXT,
                service TEXT, responsible TEXT, dematerialisation INTEGER, operator_dn TEXT NOT NULL,
                version INTEGER NOT NULL, updated_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS mss_publication_owner ON mss_publication(carrier, owner);
            INSERT OR IGNORE INTO directory_meta(key, value) VALUES ('schema_version', '1');
            UPDATE directory_meta SET value = '2' WHERE key = 'schema_version' AND value = '1';
            """);
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}
