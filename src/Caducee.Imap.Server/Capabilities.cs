// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using Caducee.Core.Auth.Sasl;
using Caducee.Imap.Server.Session;

namespace Caducee.Imap.Server;

/// <summary>
/// The CAPABILITY list (RFC 9051 §6.1.1, §7.2.2), which depends on TLS and login: before TLS only what is
/// needed to start it (REQ-12: LOGINDISABLED); before login the SASL mechanisms the operator allows (EXTERNAL
/// only with a client certificate); after login everything the server implements.
/// </summary>
internal static class Capabilities
{
    private static readonly string[] s_base = ["IMAP4rev1", "IMAP4rev2", "LITERAL+", "ID", "ENABLE"];

    private static readonly string[] s_afterLogin =
    [
        "IDLE", "NAMESPACE", "UNSELECT", "UIDPLUS", "MOVE", "CHILDREN", "LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE",
        "CREATE-SPECIAL-USE", "STATUS=SIZE", "ESEARCH", "SEARCHRES", "WITHIN", "SORT", "SORT=DISPLAY", "ESORT",
        "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "CONDSTORE", "QRESYNC", "QUOTA", "QUOTA=RES-STORAGE",
        "QUOTA=RES-MESSAGE", "ACL", "RIGHTS=texk", "BINARY", "MULTIAPPEND", "UTF8=ACCEPT",
    ];

    public static IReadOnlyList<string> For(ImapSession session)
    {
        var list = new List<string>(s_base);
        if (!session.IsTls)
        {
            list.Add("STARTTLS");
            list.Add("LOGINDISABLED");
            return list;
        }

        if (session.State is NotAuthenticated)
        {
            // The mechanisms follow the operator's configuration (REQ-15: password methods may be off).
            var auth = session.Services.Auth;
            if (!auth.PasswordLoginAllowed)
            {
                list.Add("LOGINDISABLED");
            }

            list.Add("SASL-IR");
            // EXTERNAL only when the handshake carried a client certificate (as Cyrus does): clients such as
            // mbsync pick EXTERNAL whenever it is offered and do not fall back when it fails (issue 6 point 4).
            var external = session.Tls?.PeerCertificate is not null;
            list.AddRange(auth.Mechanisms(AuthProtocol.Imap)
                .Where(m => external || m != SaslMechanismNames.External)
                .Select(m => "AUTH=" + m));
            return list;
        }

        list.AddRange(s_afterLogin);
        list.Add("APPENDLIMIT=" + session.Options.MaxLiteralSize.ToString(CultureInfo.InvariantCulture));
        if (session.Options.Compression && !session.IsCompressed)
        {
            list.Add("COMPRESS=DEFLATE");
        }

        return list;
    }
}
