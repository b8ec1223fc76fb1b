// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Caducee.Annuaire.Publishing;

/// <summary>What the operator last published successfully for one address.</summary>
public sealed record PublishedEntry(
    [property: JsonPropertyName("carrier")] PublicationCarrier Carrier,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("mailbox")] PublishedMailbox Mailbox);

/// <summary>
/// The publisher's memory (ADR 0003): every address it published successfully, with what it sent, for the
/// authority at <see cref="Url"/>. A small JSON file in the node's data folder, replaced atomically; it
/// moves into the message store with its change counter.
/// </summary>
public sealed class PublicationState
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    [JsonPropertyName("url")]
    public string Url { get; init; } = string.Empty;

    /// <summary>By lower-cased address.</summary>
    [JsonPropertyName("published")]
    public Dictionary<string, PublishedEntry> Published { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Reads the state for <paramref name="url"/>; a missing file, another authority or a damaged file give an empty state (the publisher then re-sends, idempotently).</summary>
    public static PublicationState Load(string path, Uri url)
    {
        try
        {
            if (File.Exists(path)
                && JsonSerializer.Deserialize<PublicationState>(File.ReadAllBytes(path), s_json) is { } state
                && state.Url == url.ToString())
            {
                return new PublicationState { Url = state.Url, Published = new Dictionary<string, PublishedEntry>(state.Published, StringComparer.Ordinal) };
            }
        }
        catch (JsonException)
        {
            // Damaged: start again from nothing; the authority's answers make the re-sending idempotent.
        }

        return new PublicationState { Url = url.ToString() };
    }

    /// <summary>Writes the state through a temporary file and a rename, flushed to disk.</summary>
    public void Save(string path)
    {
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, s_json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
