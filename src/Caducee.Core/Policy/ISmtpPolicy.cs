// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;

namespace Caducee.Core.Policy;

/// <summary>
/// A policy hook (STYLE.md §4.6, after James's hooks): each stage returns a verdict, and
/// <see cref="PolicyVerdict.Continue"/> lets the next hook decide. A dependency that cannot be consulted
/// gives <see cref="VerdictKind.TempFail"/> (451), never a permanent refusal.
/// </summary>
public interface ISmtpPolicy
{
    /// <summary>At MAIL FROM (the sender is in <paramref name="context"/>).</summary>
    ValueTask<PolicyVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(PolicyVerdict.Continue);

    /// <summary>At each RCPT TO.</summary>
    ValueTask<PolicyVerdict> OnRcptToAsync(SmtpPolicyContext context, MailAddress recipient, CancellationToken cancellationToken) =>
        ValueTask.FromResult(PolicyVerdict.Continue);

    /// <summary>
    /// At the end of DATA or BDAT LAST, before the message is stored (size per destination, antivirus). The
    /// content is the message as received, before the trace headers are added.
    /// </summary>
    ValueTask<PolicyVerdict> OnEndOfDataAsync(SmtpPolicyContext context, ReceivedMessage message, CancellationToken cancellationToken) =>
        ValueTask.FromResult(PolicyVerdict.Continue);

    /// <summary>Before the queue relays to <paramref name="domain"/> (the trust space may have changed since RCPT).</summary>
    ValueTask<PolicyVerdict> OnOutboundAsync(string domain, CancellationToken cancellationToken) =>
        ValueTask.FromResult(PolicyVerdict.Continue);
}

/// <summary>Runs hooks in order; the first that does not continue decides.</summary>
public sealed class SmtpPolicyPipeline(IEnumerable<ISmtpPolicy> hooks)
{
    private readonly ISmtpPolicy[] _hooks = [.. hooks];

    public ValueTask<PolicyVerdict> OnMailFromAsync(SmtpPolicyContext context, CancellationToken cancellationToken) =>
        FirstDecisionAsync(h => h.OnMailFromAsync(context, cancellationToken));

    public ValueTask<PolicyVerdict> OnRcptToAsync(SmtpPolicyContext context, MailAddress recipient, CancellationToken cancellationToken) =>
        FirstDecisionAsync(h => h.OnRcptToAsync(context, recipient, cancellationToken));

    public ValueTask<PolicyVerdict> OnEndOfDataAsync(SmtpPolicyContext context, ReceivedMessage message, CancellationToken cancellationToken) =>
        FirstDecisionAsync(h => h.OnEndOfDataAsync(context, message, cancellationToken));

    public ValueTask<PolicyVerdict> OnOutboundAsync(string domain, CancellationToken cancellationToken) =>
        FirstDecisionAsync(h => h.OnOutboundAsync(domain, cancellationToken));

    private async ValueTask<PolicyVerdict> FirstDecisionAsync(Func<ISmtpPolicy, ValueTask<PolicyVerdict>> stage)
    {
        foreach (var hook in _hooks)
        {
            var verdict = await stage(hook).ConfigureAwait(false);
            if (verdict.Kind != VerdictKind.Continue)
            {
                return verdict;
            }
        }

        return PolicyVerdict.Continue;
    }
}
