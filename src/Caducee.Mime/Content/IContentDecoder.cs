// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Mime;

/// <summary>A streaming transfer decoder: feed chunks, split anywhere, and get decoded bytes.</summary>
public interface IContentDecoder
{
    /// <summary>The largest output a call with <paramref name="inputLength"/> input bytes may write.</summary>
    int MaxOutputLength(int inputLength);

    /// <summary>Decodes a chunk into <paramref name="output"/>; returns the bytes written.</summary>
    int Decode(ReadOnlySpan<byte> input, Span<byte> output, bool isFinal);

    /// <summary>Forgets any state, ready for a new stream.</summary>
    void Reset();
}

/// <summary>7bit, 8bit and binary: the identity.</summary>
public sealed class IdentityDecoder : IContentDecoder
{
    /// <inheritdoc/>
    public int MaxOutputLength(int inputLength) => inputLength;

    /// <inheritdoc/>
    public int Decode(ReadOnlySpan<byte> input, Span<byte> output, bool isFinal)
    {
        input.CopyTo(output);
        return input.Length;
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }
}
