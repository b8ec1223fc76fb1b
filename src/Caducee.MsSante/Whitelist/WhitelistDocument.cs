// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Collections.Frozen;

namespace Caducee.MsSante.Whitelist;

/// <summary>One domain of the liste blanche (MSSANTE-SPEC §3.1), elements named as in the national XML.</summary>
public sealed record WhitelistDomain(
    string Nom,
    string? Description,
    string DnCertificatOperateur,
    string? ResponsableContact,
    string? SupportContact,
    DateTimeOffset? DateMaj);

/// <summary>
/// The national whitelist of MSSanté domains: many domains map to one operator certificate DN (REQ-04).
/// Immutable; a new list replaces the old one atomically.
/// </summary>
public sealed class WhitelistDocument
{
    private readonly FrozenDictionary<string, WhitelistDomain> _byDomain;
    private readonly FrozenSet<string> _operatorDns;

    public WhitelistDocument(DateTimeOffset generatedAt, IEnumerable<WhitelistDomain> domains)
    {
        GeneratedAt = generatedAt;
        Domains = [.. domains];
        _byDomain = Domains
            .GroupBy(d => d.Nom.ToLowerInvariant(), StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        _operatorDns = Domains
            .Select(d => Trust.DistinguishedName.Parse(d.DnCertificatOperateur).ToString())
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>DateDeGeneration.</summary>
    public DateTimeOffset GeneratedAt { get; }

    public IReadOnlyList<WhitelistDomain> Domains { get; }

    /// <summary>The entry for <paramref name="domain"/>, or null when the domain is not in the trust space.</summary>
    public WhitelistDomain? Find(string domain) => _byDomain.GetValueOrDefault(domain.ToLowerInvariant());

    /// <summary>
    /// Each operator certificate DN (normalised, whitelist order) with the domains it serves (REQ-04: one DN
    /// for many domains), most domains first.
    /// </summary>
    public IReadOnlyList<(string OperatorDn, IReadOnlyList<string> Domains)> DomainsByOperator() =>
        [.. Domains
            .GroupBy(d => Trust.DistinguishedName.Parse(d.DnCertificatOperateur).ToString(), StringComparer.OrdinalIgnoreCase)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Select(d => d.Nom)]))
            .OrderByDescending(g => g.Item2.Count)
            .ThenBy(g => g.Key, StringComparer.OrdinalIgnoreCase)];

    /// <summary>True when some domain of the list is served by an operator with this DN.</summary>
    public bool HasOperator(Trust.DistinguishedName dn) => _operatorDns.Contains(dn.ToString());
}
