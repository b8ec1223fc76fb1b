// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Primitives;

/// <summary>
/// Carries a <see cref="MailError"/> across layers that cannot return a result (ports implemented over
/// I/O). Protocol front-ends catch it and map <see cref="Error"/> to the wire in one place.
/// </summary>
public sealed class MailException : Exception
{
    public MailException(MailError error, string message)
        : base(message)
    {
        Error = error;
    }

    public MailException(MailError error, string message, Exception inner)
        : base(message, inner)
    {
        Error = error;
    }

    public MailException()
        : this(MailError.Temporary, "Temporary failure")
    {
    }

    public MailException(string message)
        : this(MailError.Temporary, message)
    {
    }

    public MailException(string message, Exception innerException)
        : this(MailError.Temporary, message, innerException)
    {
    }

    /// <summary>The closed kind of the failure.</summary>
    public MailError Error { get; }
}
