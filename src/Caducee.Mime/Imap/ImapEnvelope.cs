// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Mime.Imap;

/// <summary>IMAP ENVELOPE (RFC 9051 §7.5.2) computed from the header of a message entity.</summary>
public static class ImapEnvelope
{
    /// <summary>The ENVELOPE of the top-level message, as IMAP-syntax bytes (a parenthesised list).</summary>
    public static byte[] Build(MimeMessage message) => Build(message.Root);

    /// <summary>The ENVELOPE of a message entity (the root, or the <see cref="MimePart.Message"/> of a message/rfc822 part).</summary>
    public static byte[] Build(MimePart messageEntity)
    {
        var o = new ImapOutput();
        Write(o, messageEntity);
        return o.ToArray();
    }

    // envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to SP env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"
    internal static void Write(ImapOutput o, MimePart e)
    {
        MimeHeaderList h = e.Headers;
        o.Raw('(');
        o.NString(h.GetUnfolded("Date")).Raw(' ');
        o.NString(h.GetUnfolded("Subject")).Raw(' ');
        string? from = h.GetUnfolded("From");
        Addresses(o, from);
        o.Raw(' ');
        Addresses(o, NonEmpty(h.GetUnfolded("Sender")) ?? from);
        o.Raw(' ');
        Addresses(o, NonEmpty(h.GetUnfolded("Reply-To")) ?? from);
        o.Raw(' ');
        Addresses(o, h.GetUnfolded("To"));
        o.Raw(' ');
        Addresses(o, h.GetUnfolded("Cc"));
        o.Raw(' ');
        Addresses(o, h.GetUnfolded("Bcc"));
        o.Raw(' ');
        o.NString(h.GetUnfolded("In-Reply-To")).Raw(' ');
        o.NString(h.GetUnfolded("Message-ID"));
        o.Raw(')');
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    // address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"; groups per RFC 9051 §7.5.2.
    private static void Addresses(ImapOutput o, string? value)
    {
        IReadOnlyList<AddressEntry> list = AddressParser.Parse(value);
        if (list.Count == 0)
        {
            o.Raw("NIL");
            return;
        }

        o.Raw('(');
        foreach (AddressEntry a in list)
        {
            if (a.Mailbox is { } m)
            {
                Mailbox(o, m);
            }
            else
            {
                o.Raw("(NIL NIL ").NString(a.RawGroupName ?? a.GroupName).Raw(" NIL)");
                foreach (MailboxAddress member in a.Members)
                {
                    Mailbox(o, member);
                }

                o.Raw("(NIL NIL NIL NIL)");
            }
        }

        o.Raw(')');
    }

    private static void Mailbox(ImapOutput o, MailboxAddress m)
    {
        o.Raw('(').NString(m.RawDisplayName).Raw(' ').NString(m.Route).Raw(' ').NString(m.LocalPart).Raw(' ').NString(m.Domain).Raw(')');
    }
}
