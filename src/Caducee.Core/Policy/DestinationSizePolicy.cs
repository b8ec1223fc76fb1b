// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Caducee.Primitives;

namespace Caducee.Core.Policy;

/// <summary>
/// Message size limits per destination domain (REQ-18, REQ-38): a domain, and its sub-domains, may accept
/// less than the operator's general limit. Mon espace santé (<c>patient.mssante.fr</c>) takes at most 25 MB.
/// </summary>
public sealed class DestinationSizeLimits
{
    /// <summary>The limit toward Mon espace santé (ENS v1.3: 25 MB, counted as 25,000,000 octets).</summary>
    public const long PatientDomainLimit = 25_000_000;

    private readonly Dictionary<string, long> _limits;

    public DestinationSizeLimits(IReadOnlyDictionary<string, long> limits)
    {
        _limits = limits.ToDictionary(kv => kv.Key.ToLowerInvariant(), kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>The default table: <c>patient.mssante.fr</c> at 25 MB.</summary>
    public static DestinationSizeLimits Default { get; } = new(new Dictionary<string, long> { ["patient.mssante.fr"] = PatientDomainLimit });

    /// <summary>The table, domain to octets.</summary>
    public IReadOnlyDictionary<string, long> Limits => _limits;

    /// <summary>The limit toward <paramref name="domain"/> (the most specific entry: the domain itself, then its parents), if any.</summary>
    public (string Domain, long Limit)? Find(string domain)
    {
        var candidate = domain.TrimEnd('.').ToLowerInvariant();
        while (candidate.Length > 0)
        {
            if (_limits.TryGetValue(candidate, out var limit))
            {
                return (candidate, limit);
            }

            var dot = candidate.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                break;
            }

            candidate = candidate[(dot + 1)..];
        }

        return null;
    }

    /// <summary>"25,000,000 octets (25 MB)".</summary>
    public static string Describe(long octets) =>
        string.Create(CultureInfo.InvariantCulture, $"{octets:N0} octets ({octets / 1_000_000.0:0.#} MB)");
}

/// <summary>
/// Enforces <see cref="DestinationSizeLimits"/> as a hook: at RCPT when MAIL FROM declared a SIZE= over
/// the limit of that recipient's domain (RFC 1870 §6.1: per-recipient limits are answered at RCPT), and at
/// the end of the data for the size actually received. Refusals are 552 5.3.4 naming the limit.
/// </summary>
public sealed class DestinationSizePolicy(DestinationSizeLimits limits) : ISmtpPolicy
{
    public ValueTask<PolicyVerdict> OnRcptToAsync(SmtpPolicyContext context, MailAddress recipient, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.DeclaredSize is { } size ? Check(recipient, size, declared: true) : PolicyVerdict.Continue);

    public ValueTask<PolicyVerdict> OnEndOfDataAsync(SmtpPolicyContext context, ReceivedMessage message, CancellationToken cancellationToken)
    {
        foreach (var recipient in message.Recipients)
        {
            var verdict = Check(recipient, message.Size, declared: false);
            if (verdict.IsRefusal)
            {
                return ValueTask.FromResult(verdict);
            }
        }

        return ValueTask.FromResult(PolicyVerdict.Continue);
    }

    private PolicyVerdict Check(MailAddress recipient, long size, bool declared)
    {
        if (limits.Find(recipient.Domain) is not { } found || size <= found.Limit)
        {
            return PolicyVerdict.Continue;
        }

        var what = declared ? "declared size" : "size";
        return PolicyVerdict.Reject(
            552,
            "5.3.4",
            $"Message {what} {size.ToString(CultureInfo.InvariantCulture)} octets exceeds the limit of {DestinationSizeLimits.Describe(found.Limit)} for {found.Domain} (recipient {recipient}); reduce or remove attachments",
            $"{what} over the limit of {found.Domain}");
    }
}
