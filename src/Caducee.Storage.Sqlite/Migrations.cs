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

        // 2 (issue 4): principals (REQ-20), directory metadata, lifecycle rules and change counter
        // (REQ-21/23/24), quotas, folder counters and hierarchy, subscriptions, keywords, ACL, message
        // views (encrypted), expunge history (QRESYNC), data keys wrapped by the master key.
        """
        CREATE TABLE store_meta (
            name TEXT PRIMARY KEY NOT NULL,
            value INTEGER NOT NULL DEFAULT 0,
            data BLOB
        );
        INSERT INTO store_meta(name, value) VALUES ('mailbox_change_seq', (SELECT COALESCE(MAX(id), 0) FROM mailboxes));
        INSERT INTO store_meta(name, value) VALUES ('last_uid_validity', (SELECT COALESCE(MAX(uid_validity), 0) FROM folders));

        CREATE TABLE data_keys (
            id INTEGER PRIMARY KEY,
            purpose TEXT NOT NULL CHECK (purpose IN ('data','naming','legacy')),
            domain TEXT COLLATE NOCASE,
            wrapped BLOB NOT NULL,
            created_at INTEGER NOT NULL
        );

        ALTER TABLE domains ADD COLUMN retention_days INTEGER CHECK (retention_days IS NULL OR retention_days > 0);
        ALTER TABLE domains ADD COLUMN quota_storage INTEGER CHECK (quota_storage IS NULL OR quota_storage >= 0);
        ALTER TABLE domains ADD COLUMN quota_messages INTEGER CHECK (quota_messages IS NULL OR quota_messages >= 0);
        ALTER TABLE domains ADD COLUMN current_key_id INTEGER REFERENCES data_keys(id);

        CREATE TABLE principals (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('professional','structure','application')),
            national_id TEXT NOT NULL,
            display_name TEXT,
            created_at INTEGER NOT NULL,
            UNIQUE (kind, national_id)
        );
        INSERT INTO principals(kind, national_id, created_at)
            SELECT CASE WHEN kind IN ('PER','CAB') THEN 'professional' ELSE 'structure' END, owner_id, MIN(created_at)
            FROM mailboxes WHERE owner_id IS NOT NULL AND owner_id <> ''
            GROUP BY CASE WHEN kind IN ('PER','CAB') THEN 'professional' ELSE 'structure' END, owner_id;

        ALTER TABLE mailboxes ADD COLUMN domain TEXT COLLATE NOCASE;
        ALTER TABLE mailboxes ADD COLUMN owner_principal_id INTEGER REFERENCES principals(id);
        ALTER TABLE mailboxes ADD COLUMN liste_rouge INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE mailboxes ADD COLUMN description TEXT;
        ALTER TABLE mailboxes ADD COLUMN service TEXT;
        ALTER TABLE mailboxes ADD COLUMN responsible TEXT;
        ALTER TABLE mailboxes ADD COLUMN rank INTEGER;
        ALTER TABLE mailboxes ADD COLUMN structure_id TEXT;
        ALTER TABLE mailboxes ADD COLUMN quota_storage INTEGER;
        ALTER TABLE mailboxes ADD COLUMN quota_messages INTEGER;
        ALTER TABLE mailboxes ADD COLUMN used_storage INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE mailboxes ADD COLUMN used_messages INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE mailboxes ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE mailboxes ADD COLUMN changed_at INTEGER NOT NULL DEFAULT 0;
        UPDATE mailboxes SET
            domain = substr(address, instr(address, '@') + 1),
            owner_principal_id = (SELECT p.id FROM principals p
                WHERE p.national_id = mailboxes.owner_id
                  AND p.kind = CASE WHEN mailboxes.kind IN ('PER','CAB') THEN 'professional' ELSE 'structure' END),
            change_seq = id,
            changed_at = created_at;
        CREATE INDEX mailboxes_owner ON mailboxes(owner_principal_id);
        CREATE INDEX mailboxes_certificate ON mailboxes(certificate_subject);
        CREATE INDEX mailboxes_changes ON mailboxes(change_seq);
        CREATE INDEX mailboxes_domain ON mailboxes(domain);

        -- REQ-21: address and kind never change; REQ-23: closed is final. Enforced here too, whatever the caller.
        CREATE TRIGGER mailboxes_immutable BEFORE UPDATE OF address, kind ON mailboxes
            WHEN NEW.address IS NOT OLD.address OR NEW.kind IS NOT OLD.kind
            BEGIN SELECT RAISE(ABORT, 'REQ-21: the address and kind of a mailbox cannot change'); END;
        CREATE TRIGGER mailboxes_closed_final BEFORE UPDATE OF status ON mailboxes
            WHEN OLD.status = 'closed' AND NEW.status <> 'closed'
            BEGIN SELECT RAISE(ABORT, 'REQ-23: a closed mailbox cannot be reopened'); END;

        ALTER TABLE folders ADD COLUMN selectable INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE folders ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE folders ADD COLUMN unseen_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE folders ADD COLUMN deleted_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE folders ADD COLUMN total_size INTEGER NOT NULL DEFAULT 0;

        CREATE TABLE subscriptions (
            mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            PRIMARY KEY (mailbox_id, name)
        ) WITHOUT ROWID;
        INSERT INTO subscriptions(mailbox_id, name) SELECT mailbox_id, name FROM folders;

        CREATE TABLE folder_keywords (
            folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
            bit INTEGER NOT NULL CHECK (bit >= 0 AND bit < 64),
            name TEXT NOT NULL,
            PRIMARY KEY (folder_id, bit)
        ) WITHOUT ROWID;

        CREATE TABLE acl (
            folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
            identifier TEXT NOT NULL,
            rights TEXT NOT NULL,
            PRIMARY KEY (folder_id, identifier)
        ) WITHOUT ROWID;
        CREATE INDEX acl_identifier ON acl(identifier);

        -- Messages clustered by (folder, uid): loading a folder's state reads one contiguous range.
        CREATE TABLE messages_v2 (
            folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
            uid INTEGER NOT NULL,
            modseq INTEGER NOT NULL,
            flags INTEGER NOT NULL DEFAULT 0,
            keywords INTEGER NOT NULL DEFAULT 0,
            size INTEGER NOT NULL,
            internal_date INTEGER NOT NULL,
            blob_id TEXT NOT NULL,
            PRIMARY KEY (folder_id, uid)
        ) WITHOUT ROWID;
        INSERT INTO messages_v2(folder_id, uid, modseq, flags, keywords, size, internal_date, blob_id)
            SELECT folder_id, uid, modseq, flags, 0, size, internal_date, blob_id FROM messages;
        DROP TABLE messages;
        ALTER TABLE messages_v2 RENAME TO messages;
        CREATE INDEX messages_blob ON messages(blob_id);
        CREATE INDEX messages_modseq ON messages(folder_id, modseq);
        CREATE INDEX messages_date ON messages(internal_date);

        UPDATE folders SET
            message_count = (SELECT COUNT(*) FROM messages m WHERE m.folder_id = folders.id),
            unseen_count = (SELECT COUNT(*) FROM messages m WHERE m.folder_id = folders.id AND (m.flags & 1) = 0),
            deleted_count = (SELECT COUNT(*) FROM messages m WHERE m.folder_id = folders.id AND (m.flags & 8) <> 0),
            total_size = (SELECT COALESCE(SUM(m.size), 0) FROM messages m WHERE m.folder_id = folders.id);
        UPDATE mailboxes SET
            used_messages = (SELECT COALESCE(SUM(f.message_count), 0) FROM folders f WHERE f.mailbox_id = mailboxes.id),
            used_storage = (SELECT COALESCE(SUM(f.total_size), 0) FROM folders f WHERE f.mailbox_id = mailboxes.id);

        -- The cached IMAP views of a content (one row per blob, shared by every copy), encrypted.
        CREATE TABLE message_views (
            blob_id TEXT PRIMARY KEY NOT NULL,
            sent_date INTEGER,
            views BLOB NOT NULL
        );

        -- QRESYNC: every expunged UID with the MODSEQ of its expunge.
        CREATE TABLE expunged (
            folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
            uid INTEGER NOT NULL,
            modseq INTEGER NOT NULL,
            PRIMARY KEY (folder_id, uid)
        ) WITHOUT ROWID;
        CREATE INDEX expunged_modseq ON expunged(folder_id, modseq);

        CREATE INDEX queue_blob ON queue(blob_id);
        """,

        // 3 (issue 5 point 5): the delay notice (RFC 3464 action=delayed) of a queued recipient is sent once; a
        // lease names the node that holds it, so a node restarted after a crash takes its own leases back at once.
        """
        ALTER TABLE queue_recipients ADD COLUMN delay_notified INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE queue_recipients ADD COLUMN lease_owner TEXT;
        """,
    ];
}
