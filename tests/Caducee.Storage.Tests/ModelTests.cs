// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Core.Crypto;
using Caducee.Core.Model;
using Caducee.Primitives;

namespace Caducee.Storage.Tests;

/// <summary>The model's rules that need no store: base subjects, rights, names, lifecycle, key wrapping.</summary>
public sealed class ModelTests
{
    [Theory]
    [InlineData("Re: Compte rendu", "Compte rendu")]
    [InlineData("RE: Fwd: [CHU] re:  Résultats (fwd)", "Résultats")]
    [InlineData("[fwd: Bilan sanguin]", "Bilan sanguin")]
    [InlineData("Fw[liste]: Ordonnance", "Ordonnance")]
    [InlineData("[CHU]", "[CHU]")]
    [InlineData("  Rendez-vous   du\t lundi (FWD) (fwd)", "Rendez-vous du lundi")]
    [InlineData("Réponse", "Réponse")]
    [InlineData(null, "")]
    public void Base_subjects_follow_RFC5256(string? subject, string expected) =>
        Assert.Equal(expected, BaseSubjects.Extract(subject));

    [Fact]
    public void Views_are_computed_from_the_message_with_the_MIME_engine()
    {
        var raw = Encoding.UTF8.GetBytes("From: =?UTF-8?Q?Dr_Jos=C3=A9?= <jose@a.test>\r\nCc: b@b.test, c@c.test\r\nSubject: =?UTF-8?Q?Re:_R=C3=A9sultats?=\r\nMessage-ID: <1@a.test>\r\n\r\nx\r\n");
        var views = MessageViews.Compute(raw);
        Assert.Equal("Re: Résultats", views.Subject);
        Assert.Equal("Résultats", views.BaseSubject);
        Assert.Equal(new ViewAddress("jose@a.test", "Dr José"), views.From);
        Assert.Equal("b@b.test", views.Cc!.Address);
        Assert.Null(views.To);
        Assert.Null(views.SentDate);
        Assert.Equal("<1@a.test>", views.MessageId);
        Assert.StartsWith("(NIL \"=?UTF-8?Q?Re:_R=C3=A9sultats?=\"", Encoding.UTF8.GetString(views.Envelope), StringComparison.Ordinal);
    }

    [Fact]
    public void Rights_are_kept_in_canonical_order_and_unknown_letters_are_refused()
    {
        Assert.Equal("lrswipkxtecda", AclRights.All.Letters);
        Assert.Equal("lrs", AclRights.Parse("srll").Letters);
        Assert.Equal("lrswi", AclRights.Parse("lrs").Union(AclRights.Parse("iw")).Letters);
        Assert.Equal("rs", AclRights.Parse("lrs").Except(AclRights.Parse("l")).Letters);
        Assert.True(AclRights.Parse("lr").Has('r'));
        Assert.Equal(MailError.Parameters, Assert.Throws<MailException>(() => AclRights.Parse("lrq")).Error);
        Assert.Equal("anyone", AclIdentifiers.Normalize("Anyone"));
        Assert.Equal("a.b@c.test", AclIdentifiers.Normalize("A.B@C.TEST"));
        Assert.Null(AclIdentifiers.Normalize("group:staff"));
    }

    [Fact]
    public void Folder_names_have_parents_and_limits()
    {
        Assert.Equal(["a", "a/b"], FolderNames.Ancestors("a/b/c"));
        Assert.Equal("a/b", FolderNames.Parent("a/b/c"));
        Assert.Null(FolderNames.Parent("a"));
        Assert.True(FolderNames.IsBelow("a/b", "a"));
        Assert.False(FolderNames.IsBelow("ab", "a"));
        Assert.Equal("INBOX", FolderNames.Normalize("InBox"));
        Assert.Equal("Inbox/x", FolderNames.Normalize("Inbox/x"));
        Assert.False(FolderNames.IsValid(string.Join('/', Enumerable.Repeat("x", 40)), out var error));
        Assert.Contains("levels", error, StringComparison.Ordinal);
        Assert.True(FolderNames.TryNormalizeSpecialUse("\\sent", out var use));
        Assert.Equal("\\Sent", use);
    }

    [Theory]
    [InlineData(MailboxStatus.Active, MailboxStatus.Suspended, true)]
    [InlineData(MailboxStatus.Suspended, MailboxStatus.Active, true)]
    [InlineData(MailboxStatus.Active, MailboxStatus.Closed, true)]
    [InlineData(MailboxStatus.Suspended, MailboxStatus.Closed, true)]
    [InlineData(MailboxStatus.Closed, MailboxStatus.Active, false)]
    [InlineData(MailboxStatus.Closed, MailboxStatus.Suspended, false)]
    public void Lifecycle_transitions_REQ23(MailboxStatus from, MailboxStatus to, bool allowed) =>
        Assert.Equal(allowed, MailboxLifecycle.CanMove(from, to));

    [Fact]
    public void Data_keys_are_wrapped_under_the_master_key_and_bound_to_their_row()
    {
        var master = MasterKey.Generate();
        var key = new byte[32];
        key[0] = 42;
        var wrapped = master.Wrap(key, "row 1");
        Assert.Equal(key, master.Unwrap(wrapped, "row 1"));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => master.Unwrap(wrapped, "row 2"));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => MasterKey.Generate().Unwrap(wrapped, "row 1"));
        Assert.True(master.Matches(master.CheckValue));
        Assert.False(master.Matches(MasterKey.Generate().CheckValue));
    }

    [Fact]
    public void Sealed_content_records_its_key_and_fails_with_other_associated_data()
    {
        var master = MasterKey.Generate();
        var keys = new Keyring(master);
        var key = new DataKey(3, "d.test", new byte[32]);
        keys.Install([key], new Dictionary<string, int> { ["d.test"] = 3 }, new byte[32], master);
        var sealedBytes = Keyring.Seal(key, "secret"u8, "ad"u8);
        Assert.Equal("secret"u8.ToArray(), keys.Open(sealedBytes, "ad"u8));
        Assert.Equal(MailError.InvalidData, Assert.Throws<MailException>(() => keys.Open(sealedBytes, "other"u8)).Error);
        Assert.Equal(key, keys.CurrentFor("D.TEST"));
        Assert.Equal(MailError.NotFound, Assert.Throws<MailException>(() => keys.CurrentFor("x.test")).Error);
        Assert.Equal(MailError.InvalidData, Assert.Throws<MailException>(() => keys.Get(4)).Error);
    }
}
