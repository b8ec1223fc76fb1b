// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Primitives;

/// <summary>What a policy hook decides (STYLE.md §4.6): accept, let the next hook decide, or refuse.</summary>
public enum VerdictKind
{
    /// <summary>Accept now; later hooks are not asked.</summary>
    Accept,
    /// <summary>Not this hook's business; ask the next hook.</summary>
    Continue,
    /// <summary>Refuse temporarily (4xx): a dependency failed or the situation may change.</summary>
    TempFail,
    /// <summary>Refuse permanently (5xx).</summary>
    Reject,
}

/// <summary>A hook's verdict with the reply the peer gets when it refuses.</summary>
public sealed record PolicyVerdict(VerdictKind Kind, SmtpReply? Reply, string? Reason = null)
{
    public static readonly PolicyVerdict Continue = new(VerdictKind.Continue, null);
    public static readonly PolicyVerdict Accepted = new(VerdictKind.Accept, null);

    public bool IsRefusal => Kind is VerdictKind.TempFail or VerdictKind.Reject;

    public static PolicyVerdict TempFail(string enhanced, string text, string? reason = null) =>
        new(VerdictKind.TempFail, new SmtpReply(451, enhanced, text), reason ?? text);

    public static PolicyVerdict Reject(int code, string enhanced, string text, string? reason = null) =>
        new(VerdictKind.Reject, new SmtpReply(code, enhanced, text), reason ?? text);
}
