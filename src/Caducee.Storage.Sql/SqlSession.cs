// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Data;
using System.Data.Common;
using System.Globalization;

namespace Caducee.Storage.Sql;

/// <summary>
/// A connection (and, for writes, its transaction) with the few helpers the store's hand-written SQL
/// needs. Values are always parameters ("@name"); SQL text is constant in this assembly.
/// </summary>
internal class SqlSession(DbConnection connection, DbTransaction? transaction)
{
    public DbConnection Connection { get; } = connection;

    public DbTransaction? Transaction { get; } = transaction;

    public DbCommand Command(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var cmd = Connection.CreateCommand();
        cmd.Transaction = Transaction;
#pragma warning disable CA2100 // SQL text is constant in this assembly; values are parameters.
        cmd.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            Add(cmd, name, value);
        }

        return cmd;
    }

    public static DbParameter Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        switch (value)
        {
            case null:
                p.Value = DBNull.Value;
                break;
            case bool b:
                p.DbType = DbType.Int32;
                p.Value = b ? 1 : 0;
                break;
            case int i:
                // 32-bit stays 32-bit: PostgreSQL picks functions by argument type (substr(text, int, int)).
                p.DbType = DbType.Int32;
                p.Value = i;
                break;
            case long:
                p.DbType = DbType.Int64;
                p.Value = value;
                break;
            case byte[]:
                p.DbType = DbType.Binary;
                p.Value = value;
                break;
            case string:
                p.DbType = DbType.String;
                p.Value = value;
                break;
            default:
                p.Value = value;
                break;
        }

        cmd.Parameters.Add(p);
        return p;
    }

    public async Task<int> ExecAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var cmd = Command(sql, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<long?> LongAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var cmd = Command(sql, parameters);
        var value = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var cmd = Command(sql, parameters);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(map(reader));
        }

        return result;
    }

    public async Task<T?> SingleAsync<T>(string sql, Func<DbDataReader, T> map, CancellationToken cancellationToken, params (string, object?)[] parameters)
        where T : class
    {
        var list = await QueryAsync(sql, map, cancellationToken, parameters).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }
}

/// <summary>Reading helpers for nullable columns.</summary>
internal static class Columns
{
    public static string? Text(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static long? NLong(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    public static int? NInt(this DbDataReader r, int i) => r.IsDBNull(i) ? null : (int)r.GetInt64(i);

    public static byte[]? Bytes(this DbDataReader r, int i) => r.IsDBNull(i) ? null : (byte[])r.GetValue(i);

    public static DateTimeOffset Time(this DbDataReader r, int i) => DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
}
