// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Imap.Protocol.Mailboxes;
using FsCheck;
using FsCheck.Fluent;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>Modified UTF-7 (RFC 3501 §5.1.3): examples, strictness, and the round trip as a property.</summary>
public class ModifiedUtf7Tests
{
    [Theory]
    [InlineData("INBOX", "INBOX")]
    [InlineData("~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e", "~peter/mail/&U,BTFw-/&ZeVnLIqe-")]
    [InlineData("Caf\u00e9", "Caf&AOk-")]
    [InlineData("&", "&-")]
    [InlineData("A&B", "A&-B")]
    [InlineData("\u00e9l\u00e9ments envoy\u00e9s", "&AOk-l&AOk-ments envoy&AOk-s")]
    [InlineData("\ud83d\ude00", "&2D3eAA-")]
    [InlineData("tab\there", "tab&AAk-here")]
    public void Encodes_and_decodes_RFC3501_examples(string name, string encoded)
    {
        Assert.Equal(encoded, ModifiedUtf7.Encode(name));
        Assert.True(ModifiedUtf7.TryDecode(encoded, out var decoded));
        Assert.Equal(name, decoded);
    }

    [Theory]
    [InlineData("&U,BTFw")]      // unterminated
    [InlineData("&U/BTFw-")]     // "/" is not modified base64
    [InlineData("&AGE-")]        // "a" encoded: printable ASCII must stand for itself
    [InlineData("&ZeVnLIqe-&U,BTFw-")] // two adjacent runs: not the canonical encoding
    [InlineData("&2D0-")]        // lone high surrogate
    [InlineData("&AOl-")]        // non-zero leftover bits
    [InlineData("caf\u00e9")]    // 8-bit characters are never valid modified UTF-7
    [InlineData("a\tb")]         // control characters either
    public void Refuses_what_is_not_valid_modified_UTF7(string encoded) => Assert.False(ModifiedUtf7.TryDecode(encoded, out _));

    [Fact]
    public void Round_trip_property()
    {
        Func<string?, bool> property = raw =>
        {
            var name = new string((raw ?? string.Empty).Where(c => !char.IsSurrogate(c)).ToArray()) + "\ud83d\ude00x";
            var encoded = ModifiedUtf7.Encode(name);
            return encoded.All(c => c is >= ' ' and <= '~')
                && ModifiedUtf7.TryDecode(encoded, out var decoded)
                && decoded == name;
        };
        Prop.ForAll(property).QuickCheckThrowOnFailure();
    }
}
