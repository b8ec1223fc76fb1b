// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;
using Caducee.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Caducee.Imap.Server;

/// <summary>What IMAP sessions use of the rest of the node. Singletons.</summary>
public sealed record ImapServices(IMailStore Store, IBlobStore Blobs, IAuthService Auth, TimeProvider Clock, ILoggerFactory LoggerFactory);
