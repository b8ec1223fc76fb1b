// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Primitives;

namespace Caducee.Core.Ports;

/// <summary>
/// The message store as the protocols see it: accounts, folders and messages, ACLs, delivery and the change
/// feed (IMAP IDLE). One backend object implements it together with <see cref="IQueueStore"/> and
/// <see cref="IStoreMaintenance"/>; take the narrowest interface you need. Failures surface as
/// <see cref="MailException"/> with a closed <see cref="MailError"/>: Temporary (database busy or
/// unreachable, disk full), OverQuota, NotFound, MailboxDisabled, Exists, NotPossible, Parameters, Limit,
/// InvalidData; protocol front-ends map them to replies in one place. The contract is documented in
/// docs/store.md and checked by tests/Caducee.Storage.Tests/MailStoreContract.cs.
/// </summary>
public interface IMailStore : IAccountStore, IMessageStore, IAclStore, IMailDelivery, IChangeFeed
{
}
