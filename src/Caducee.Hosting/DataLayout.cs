// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Hosting;

/// <summary>Where a node keeps its files under its data folder (one folder per node).</summary>
public sealed class DataLayout(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>SQLite metadata: mailboxes, folders, messages, queue.</summary>
    public string Database => Path.Combine(Root, "caducee.db");

    /// <summary>Encrypted message bytes (content-addressed files, see docs/adr/0006-message-store.md).</summary>
    public string Blobs => Path.Combine(Root, "blobs");

    /// <summary>The master key (0600): it wraps the per-domain data keys kept in the database (docs/keys.md).</summary>
    public string MasterKey => Path.Combine(Root, "keys", "master.key");

    /// <summary>The next master key while a rotation is in progress.</summary>
    public string PendingMasterKey => Path.Combine(Root, "keys", "master.key.new");

    /// <summary>The last good whitelist.</summary>
    public string WhitelistCache => Path.Combine(Root, "whitelist", "listeblanchemssante.xml");

    /// <summary>The last good CRL of each trust-anchor authority (REQ-09).</summary>
    public string CrlCache => Path.Combine(Root, "crl");

    /// <summary>The Annuaire Santé directory (SQLite, with its in-memory search index built at open).</summary>
    public string Directory => Path.Combine(Root, "annuaire.db");

    /// <summary>What the operator last published to the Annuaire Santé (the publisher's reconciliation state).</summary>
    public string AnnuairePublicationState => Path.Combine(Root, "annuaire", "published.json");

    /// <summary>The commented configuration written by `caducee init`.</summary>
    public string ConfigFile => Path.Combine(Root, "caducee.json");
}
