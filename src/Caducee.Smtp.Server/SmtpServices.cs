// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;
using Caducee.Core.Policy;
using Caducee.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Caducee.Smtp.Server;

/// <summary>What SMTP sessions and the queue runner use of the rest of the node. Singletons.</summary>
public sealed record SmtpServices(
    IMailStore Store,
    IQueueStore Queue,
    IBlobStore Blobs,
    IAuthService Auth,
    SmtpPolicyPipeline Policy,
    IQueueSignal QueueSignal,
    TimeProvider Clock,
    ILoggerFactory LoggerFactory);
