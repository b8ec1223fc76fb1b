// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Crypto;
using Caducee.Core.Ports;
using Caducee.Storage.Sql;

namespace Caducee.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file (WAL, <c>synchronous=FULL</c>) for metadata, the given blob store for
/// message bytes. Call <see cref="SqlMailStore.MigrateAsync"/> once before use.
/// </summary>
public sealed class SqliteMailStore(string databasePath, IBlobStore blobs, Keyring keys, TimeProvider? clock = null)
    : SqlMailStore(new SqliteDialect(databasePath), blobs, keys, clock)
{
    public string DatabasePath => ((SqliteDialect)Dialect).DatabasePath;
}
