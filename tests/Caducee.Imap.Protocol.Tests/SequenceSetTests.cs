// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text;
using Caducee.Imap.Protocol.Commands;
using FsCheck;
using FsCheck.Fluent;

namespace Caducee.Imap.Protocol.Tests;

/// <summary>Sequence sets: parsing, "*", "$", compact formatting (and its round trip as a property).</summary>
public class SequenceSetTests
{
    [Fact]
    public void Sequence_sets_resolve_star_to_the_largest_number()
    {
        Assert.True(SequenceSet.TryParse("1:3,7,10:*", out var set));
        Assert.True(set.Contains(2, 20));
        Assert.False(set.Contains(5, 20));
        Assert.True(set.Contains(15, 20));
        Assert.True(set.UsesStar);
        Assert.True(SequenceSet.TryParse("*:4", out var reversed));
        Assert.True(reversed.Contains(5, 6));
        Assert.Equal((4u, 6u), reversed.Ranges[0].Resolve(6));
        Assert.Equal((2u, 4u), new SequenceRange(4, 2).Resolve(10));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1,,2")]
    [InlineData("01")]
    [InlineData("1:")]
    [InlineData(":1")]
    [InlineData("4294967296")]
    [InlineData("1:2:3")]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData("$$")]
    public void Invalid_sets_are_refused(string text) => Assert.False(SequenceSet.TryParse(text, out _));

    [Fact]
    public void The_saved_result_marker_stands_alone_or_in_a_set_RFC5182()
    {
        Assert.True(SequenceSet.TryParse("$", out var saved));
        Assert.True(saved.IncludesSavedResult);
        Assert.Equal("$", saved.ToString());
        Assert.True(SequenceSet.TryParse("1:2,$", out var mixed));
        Assert.True(mixed.IncludesSavedResult);
        Assert.Equal("1:2,$", mixed.ToString());
        Assert.Equal(4294967295u, SequenceSet.Of(new SequenceRange(4294967295, 4294967295)).Ranges[0].Start);
    }

    [Fact]
    public void The_number_of_elements_is_bounded()
    {
        var text = Encoding.ASCII.GetBytes(string.Join(',', Enumerable.Range(1, 2001).Select(i => i * 2)));
        Assert.False(SequenceSet.TryParse(text, 2000, out _, out var error));
        Assert.Equal("sequence set has too many elements (limit 2000)", error);
        Assert.True(SequenceSet.TryParse(text, 2001, out var set, out _));
        Assert.Equal(2001, set.Ranges.Count);
    }

    [Theory]
    [InlineData(new uint[] { 1, 2, 3, 4, 5, 7, 9, 10, 11, 12 }, "1:5,7,9:12")]
    [InlineData(new uint[] { 12, 3, 1, 2, 2 }, "1:3,12")]
    [InlineData(new uint[] { }, "")]
    [InlineData(new uint[] { 4294967295, 4294967294 }, "4294967294:4294967295")]
    public void Compact_formatting(uint[] numbers, string expected) => Assert.Equal(expected, SequenceSet.Format(numbers));

    [Fact]
    public void Ordered_formatting_keeps_the_order_for_COPYUID_RFC4315()
    {
        Assert.Equal("1:3,9,8,10", SequenceSet.FormatOrdered([1, 2, 3, 9, 8, 10]));
        Assert.Equal("304,319:320", SequenceSet.FormatOrdered([304, 319, 320]));
    }

    [Fact]
    public void Formatting_then_parsing_gives_back_the_same_numbers_property()
    {
        Func<uint[], bool> property = raw =>
        {
            var numbers = raw.Select(n => (n % 5000) + 1).ToHashSet();
            var text = SequenceSet.Format(numbers);
            if (numbers.Count == 0)
            {
                return text.Length == 0;
            }

            if (!SequenceSet.TryParse(text, out var set))
            {
                return false;
            }

            // Every number in, nothing else in, and maximally merged (no two adjacent ranges).
            var inSet = Enumerable.Range(1, 5001).Where(i => set.Contains(i, 5001)).Select(i => (uint)i).ToHashSet();
            var merged = set.Ranges.Zip(set.Ranges.Skip(1)).All(p => p.Second.Start > p.First.End + 1);
            return inSet.SetEquals(numbers) && merged;
        };
        Prop.ForAll(property).QuickCheckThrowOnFailure();
    }
}
