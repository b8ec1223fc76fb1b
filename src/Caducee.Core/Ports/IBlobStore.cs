// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Core.Ports;

/// <summary>
/// Raw message bytes, stored exactly as received (STYLE.md §4.8), content-addressed, encrypted at rest.
/// <see cref="PutAsync"/> returns only when the bytes are on disk.
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores <paramref name="content"/> durably; returns its id (the same content gives the same id).</summary>
    Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Reads a blob back; throws <see cref="Primitives.MailException"/> (NotFound) if absent.</summary>
    Task<byte[]> ReadAsync(string blobId, CancellationToken cancellationToken);
}
