// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Caducee.Core.Auth;

/// <summary>What the connection tells the auth component: the client address (throttling) and the TLS client certificate (EXTERNAL).</summary>
public sealed record AuthContext(IPAddress? Client, X509Certificate2? ClientCertificate);
