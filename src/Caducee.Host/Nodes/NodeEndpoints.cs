// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Caducee.Host.Nodes;

/// <summary>Listeners of a node by name, read back after binding (port 0 becomes the port the OS chose).</summary>
public sealed class NodeEndpoints
{
    private readonly Dictionary<string, ListenOptions> _listeners = new(StringComparer.Ordinal);

    internal void Add(string name, ListenOptions options) => _listeners[name] = options;

    /// <summary>The bound endpoint of <paramref name="name"/>, or null if that listener is not open.</summary>
    public IPEndPoint? this[string name] => _listeners.TryGetValue(name, out var o) ? o.IPEndPoint : null;

    public IEnumerable<string> Names => _listeners.Keys;
}
