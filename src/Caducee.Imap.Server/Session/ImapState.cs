// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Auth;
using Caducee.Core.Model;

namespace Caducee.Imap.Server.Session;

/// <summary>Session state as a closed set of types, each holding only what is valid in it (STYLE.md §4.4).</summary>
internal abstract record ImapState;

internal sealed record NotAuthenticated : ImapState;

internal record Authenticated(AuthenticatedPrincipal Principal) : ImapState;

/// <summary>A folder is selected: its messages as this session knows them (sequence numbers are indexes + 1).</summary>
internal sealed record Selected(AuthenticatedPrincipal Principal, FolderInfo Folder, bool ReadOnly, List<MessageSummary> Messages)
    : Authenticated(Principal);

internal sealed record LoggedOut : ImapState;
