// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Net;
using Caducee.Core.Routing.Dns;

namespace Caducee.Core.Tests.Routing;

/// <summary>The sans-I/O DNS codec (issue 5 point 5: MX routing): exact bytes, compression, and every read bounded.</summary>
public sealed class DnsMessageTests
{
    [Fact]
    public void A_query_is_one_question_with_recursion_desired_in_RFC1035_wire_format()
    {
        var query = DnsMessage.EncodeQuery(0xBEEF, "MX.Cabinet.fr.", DnsRecordType.Mx);
        Assert.Equal(
            [0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
             2, (byte)'m', (byte)'x', 7, .. "cabinet"u8, 2, (byte)'f', (byte)'r', 0, 0, 15, 0, 1],
            query);
    }

    [Fact]
    public void International_domains_are_queried_by_their_A_label_and_impossible_names_are_refused()
    {
        var query = DnsMessage.EncodeQuery(1, "hôpital.mssante.fr", DnsRecordType.Mx);
        Assert.Equal(["xn--hpital-ixa", "mssante", "fr"], Split(query).Select(System.Text.Encoding.ASCII.GetString));
        Assert.Throws<ArgumentException>(() => DnsMessage.EncodeQuery(1, new string('a', 64) + ".fr", DnsRecordType.A));
        Assert.Throws<ArgumentException>(() => DnsMessage.EncodeQuery(1, string.Join('.', Enumerable.Repeat(new string('a', 60), 5)), DnsRecordType.A));
        Assert.Throws<ArgumentException>(() => DnsMessage.EncodeQuery(1, "a..b", DnsRecordType.A));
    }

    private static List<byte[]> Split(byte[] query)
    {
        var labels = new List<byte[]>();
        for (var i = 12; query[i] != 0; i += query[i] + 1)
        {
            labels.Add(query.AsSpan(i + 1, query[i]).ToArray());
        }

        return labels;
    }

    /// <summary>A response to "cabinet.fr MX" with two MX (compressed names), an A record, and a SOA in the authority section.</summary>
    internal static byte[] SampleResponse(ushort id = 0x1234, byte flagsLow = 0x80)
    {
        var w = new List<byte>
        {
            (byte)(id >> 8), (byte)id, 0x81, flagsLow, 0, 1, 0, 3, 0, 1, 0, 0,
        };
        // question at 12: cabinet.fr MX IN
        w.AddRange([7, .. "cabinet"u8, 2, .. "fr"u8, 0, 0, 15, 0, 1]);
        // answer 1: name = pointer to 12, MX, IN, TTL 3600, rdata: pref 10, "mx1" + pointer to 12
        w.AddRange([0xC0, 12, 0, 15, 0, 1, 0, 0, 0x0E, 0x10, 0, 8, 0, 10, 3, .. "mx1"u8, 0xC0, 12]);
        var mx1 = w.Count - 6; // offset of the "mx1" label
        // answer 2: MX 20 "MX2" + pointer (upper case: names are case-insensitive)
        w.AddRange([0xC0, 12, 0, 15, 0, 1, 0, 0, 0x02, 0x58, 0, 8, 0, 20, 3, .. "MX2"u8, 0xC0, 12]);
        // answer 3: mx1.cabinet.fr A 192.0.2.10, TTL 60
        w.AddRange([0xC0, (byte)mx1, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 10]);
        // authority: cabinet.fr SOA ns.cabinet.fr. hostmaster.cabinet.fr. serial refresh retry expire minimum=300, TTL 900
        w.AddRange([0xC0, 12, 0, 6, 0, 1, 0, 0, 0x03, 0x84, 0, 38, 2, .. "ns"u8, 0xC0, 12, 10, .. "hostmaster"u8, 0xC0, 12,
            0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 1, 0x2C]);
        return [.. w];
    }

    [Fact]
    public void A_response_with_compressed_names_decodes_to_MX_A_and_SOA_records()
    {
        Assert.True(DnsMessage.TryDecode(SampleResponse(), out var response, out var error), error);
        Assert.Equal((0x1234, DnsResponseCode.NoError, false, "cabinet.fr", DnsRecordType.Mx), (response!.Id, response.Code, response.Truncated, response.QuestionName, response.QuestionType));
        Assert.Equal(
            [new MxData(10, "mx1.cabinet.fr"), new MxData(20, "mx2.cabinet.fr")],
            response.Answers.Where(r => r.Type == DnsRecordType.Mx).Select(r => (MxData)r.Data!));
        Assert.Equal([3600u, 600u, 60u], response.Answers.Select(r => r.Ttl));
        var a = response.Answers.Single(r => r.Type == DnsRecordType.A);
        Assert.Equal(("mx1.cabinet.fr", IPAddress.Parse("192.0.2.10")), (a.Name, (IPAddress)a.Data!));
        var soa = Assert.Single(response.Authority);
        Assert.Equal(new SoaData("ns.cabinet.fr", 300), soa.Data);
    }

    [Fact]
    public void Every_truncation_of_a_response_is_refused_or_decoded_without_an_exception()
    {
        var full = SampleResponse();
        for (var length = 0; length < full.Length; length++)
        {
            var ok = DnsMessage.TryDecode(full.AsSpan(0, length), out var response, out var error);
            Assert.False(ok, $"a response cut at {length} octets was accepted");
            Assert.NotNull(error);
            Assert.Null(response);
        }

        // With TC set, what is complete is kept (the client then asks over TCP).
        var truncated = SampleResponse(flagsLow: 0x80);
        truncated[2] |= 0x02;
        Assert.True(DnsMessage.TryDecode(truncated.AsSpan(0, 60), out var partial, out _));
        Assert.True(partial!.Truncated);
        Assert.Single(partial.Answers);
    }

    [Fact]
    public void Every_single_octet_corruption_is_refused_or_decoded_without_an_exception()
    {
        var full = SampleResponse();
        for (var i = 0; i < full.Length; i++)
        {
            foreach (var value in new byte[] { 0x00, 0x3F, 0x40, 0xC0, 0xFF })
            {
                var corrupt = (byte[])full.Clone();
                corrupt[i] = value;
                var ok = DnsMessage.TryDecode(corrupt, out var response, out var error);
                Assert.True(ok ? response is not null : error is not null);
            }
        }
    }

    [Fact]
    public void Compression_pointers_that_loop_or_point_forward_are_refused()
    {
        // A name that is a pointer to itself, then one that points forward.
        byte[] self = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 15, 0, 1];
        Assert.False(DnsMessage.TryDecode(self, out _, out var error));
        Assert.Contains("backwards", error, StringComparison.Ordinal);

        byte[] forward = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 14, 1, (byte)'a', 0, 0, 15, 0, 1];
        Assert.False(DnsMessage.TryDecode(forward, out _, out _));

        // "a" then a pointer back to "a": would loop forever without the rule that targets strictly decrease.
        byte[] loop = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0xC0, 12, 0, 15, 0, 1];
        Assert.False(DnsMessage.TryDecode(loop, out _, out _));
    }

    [Fact]
    public void A_query_message_or_a_response_with_several_questions_is_not_taken_for_an_answer()
    {
        Assert.False(DnsMessage.TryDecode(DnsMessage.EncodeQuery(7, "a.fr", DnsRecordType.Mx), out _, out var error));
        Assert.Contains("QR=0", error, StringComparison.Ordinal);
        var two = SampleResponse();
        two[5] = 2;
        Assert.False(DnsMessage.TryDecode(two, out _, out _));
    }

    [Fact]
    public void NXDOMAIN_and_SERVFAIL_codes_are_read_from_the_header()
    {
        Assert.True(DnsMessage.TryDecode(SampleResponse(flagsLow: 0x83), out var nx, out _));
        Assert.Equal(DnsResponseCode.NameError, nx!.Code);
        Assert.True(DnsMessage.TryDecode(SampleResponse(flagsLow: 0x82), out var servfail, out _));
        Assert.Equal(DnsResponseCode.ServerFailure, servfail!.Code);
    }

    [Fact]
    public void Resolv_conf_gives_the_nameservers_and_the_timeout_and_attempts_options()
    {
        var options = ResolvConf.Parse("""
            # generated
            search example.org
            nameserver 192.0.2.53
            nameserver 2001:db8::53
            nameserver fe80::1%eth0 ; link-local with a zone
            nameserver 192.0.2.54
            options timeout:2 attempts:3 rotate
            """);
        Assert.Equal([IPEndPoint.Parse("192.0.2.53:53"), new IPEndPoint(IPAddress.Parse("2001:db8::53"), 53), new IPEndPoint(IPAddress.Parse("fe80::1"), 53)], options.Servers);
        Assert.Equal((TimeSpan.FromSeconds(2), 3), (options.Timeout, options.Attempts));
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 53)], ResolvConf.Parse("search x\n").Servers);
    }
}
