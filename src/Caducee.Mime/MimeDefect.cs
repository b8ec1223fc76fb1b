// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Mime;

/// <summary>The kinds of oddity the lenient parser and decoders accept and record.</summary>
public enum MimeDefectKind
{
    /// <summary>A line in the header block is neither a field nor a continuation; the body starts there.</summary>
    MissingHeaderBodySeparator,
    /// <summary>The first header line is a continuation line; it was ignored.</summary>
    FirstHeaderLineIsContinuation,
    /// <summary>The header block exceeded <see cref="MimeParserOptions.MaxHeaderBlockBytes"/>.</summary>
    HeaderBlockTooLarge,
    /// <summary>More than <see cref="MimeParserOptions.MaxHeadersPerPart"/> fields; the rest were skipped.</summary>
    TooManyHeaders,
    /// <summary>A header line longer than <see cref="MimeParserOptions.MaxLineLength"/>.</summary>
    HeaderLineTooLong,
    /// <summary>A multipart without a boundary parameter; it is treated as a leaf.</summary>
    MultipartWithoutBoundary,
    /// <summary>The first boundary of a multipart was never found; the multipart has no children.</summary>
    StartBoundaryNotFound,
    /// <summary>The closing boundary is missing (the part ended at the end of input or at a parent boundary).</summary>
    CloseBoundaryNotFound,
    /// <summary>Nesting exceeded <see cref="MimeParserOptions.MaxDepth"/>; the entity is kept as a leaf.</summary>
    MaxDepthExceeded,
    /// <summary>The part count exceeded <see cref="MimeParserOptions.MaxParts"/>; further parts were skipped.</summary>
    MaxPartsExceeded,
    /// <summary>The Content-Type could not be parsed; text/plain was assumed (RFC 2045 §5.2).</summary>
    InvalidContentType,
    /// <summary>A multipart declares a transfer encoding other than 7bit, 8bit or binary.</summary>
    InvalidMultipartTransferEncoding,
    /// <summary>An unknown Content-Transfer-Encoding; the body is taken as binary.</summary>
    UnknownTransferEncoding,
    /// <summary>A header field name contains characters outside RFC 5322 ftext, or whitespace before the colon.</summary>
    ObsoleteHeaderSyntax,
}

/// <summary>A recorded oddity: its kind, the byte offset in the message where it was seen, and a detail.</summary>
public readonly record struct MimeDefect(MimeDefectKind Kind, int Offset, string? Detail = null)
{
    /// <inheritdoc/>
    public override string ToString() => Detail is null ? $"{Kind}@{Offset}" : $"{Kind}@{Offset}: {Detail}";
}
