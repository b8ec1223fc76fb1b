// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Storage.Sqlite;

/// <summary>
/// Versioned schema changes, applied in order inside one transaction each; the version reached is kept
/// in <c>schema_version</c>. Never edit a released step: add the next one.
/// </summary>
internal static class Migrations
{
    public static readonly IReadOnlyList<string> Steps =
    [
        // 1: domains, mailboxes, folders, messages, outbound queue.
        """
        CREATE TABLE domains (
            name TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE mailboxes (
            id INTEGER PRIMARY KEY,
            address TEXT NOT NULL UNIQUE COLLATE NOCASE,
            kind TEXT NOT NULL CHECK (kind IN ('PER','ORG','APP','CAB')),
            status TEXT NOT NULL CHECK (status IN ('active','suspended','closed')),
            display_name TEXT,
            owner_id TEXT,
            password_hash TEXT,
            certificate_subject TEXT,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE folders (
            id INTEGER PRIMARY KEY,
            mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            special_use TEXT,
            uid_validity INTEGER NOT NULL,
            uid_next INTEGER NOT NULL,
            highest_modseq INTEGER NOT NULL,
            UNIQUE (mailbox_id, name)
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
            uid INTEGER NOT NULL,
            modseq INTEGER NOT NULL,
            blob_id TEXT NOT NULL,
            size INTEGER NOT NULL,
            internal_date INTEGER NOT NULL,
            flags INTEGER NOT NULL DEFAULT 0,
            UNIQUE (folder_id, uid)
        );
        CREATE INDEX messages_blob ON messages(blob_id);
        CREATE TABLE queue (
            id INTEGER PRIMARY KEY,
            queue_id TEXT NOT NULL UNIQUE,
            blob_id TEXT NOT NULL,
            sender TEXT,
            envid TEXT,
            ret_full INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE queue_recipients (
            id INTEGER PRIMARY KEY,
            queue_row INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
            address TEXT NOT NULL,
            domain TEXT NOT NULL,
            notify INTEGER NOT NULL,
            orcpt TEXT,
            status TEXT NOT NULL CHECK (status IN ('pending','delivered','failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            lease_until INTEGER,
            last_detail TEXT
        );
        CREATE INDEX queue_due ON queue_recipients(status, next_attempt_at);
        """,
    ];
}
