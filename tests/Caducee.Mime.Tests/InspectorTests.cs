// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Text.Json;

namespace Caducee.Mime.Tests;

public sealed class InspectorTests
{
    private static JsonElement Json(string corpusFile)
    {
        string json = MimeInspector.ToJson(File.ReadAllBytes(Path.Combine(TestPaths.Corpus, corpusFile)));
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    [Fact]
    public void Json_has_the_stable_keys_on_every_part()
    {
        JsonElement root = Json("generated/mss-pdf-alternative.eml");
        Assert.Equal("Résultats d'analyses à vérifier", root.GetProperty("subject").GetString());
        Assert.Equal("François Lévêque <francois.leveque@labo.mssante.fr>", root.GetProperty("from").GetString());
        Assert.Contains("paul.martin@cabinet.mssante.fr", root.GetProperty("to").GetString(), StringComparison.Ordinal);
        Assert.Equal("multipart/mixed", root.GetProperty("contentType").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("charset").ValueKind);
        JsonElement parts = root.GetProperty("parts");
        Assert.Equal(2, parts.GetArrayLength());
        JsonElement text = parts[0].GetProperty("parts")[0];
        Assert.Equal("text/plain", text.GetProperty("contentType").GetString());
        Assert.Equal("iso-8859-1", text.GetProperty("charset").GetString());
        Assert.Equal("Résultats ci-joints. Très cordialement.", text.GetProperty("text").GetString());
        Assert.Equal(0, text.GetProperty("parts").GetArrayLength());
        JsonElement pdf = parts[1];
        Assert.Equal("Compte rendu opératoire – décembre.pdf", pdf.GetProperty("filename").GetString());
        Assert.Equal(3016, pdf.GetProperty("decodedSize").GetInt64());
        Assert.Equal(JsonValueKind.Null, pdf.GetProperty("text").ValueKind);
        JsonElement offsets = pdf.GetProperty("offsets");
        Assert.True(offsets.GetProperty("bodyStart").GetInt32() < offsets.GetProperty("bodyEnd").GetInt32());
        Assert.Equal(0, pdf.GetProperty("defects").GetArrayLength());
        foreach (string key in new[] { "contentType", "charset", "filename", "decodedSize", "text", "parts", "offsets", "defects" })
        {
            Assert.True(root.TryGetProperty(key, out _), key);
            Assert.True(pdf.TryGetProperty(key, out _), key);
        }
    }

    [Fact]
    public void Json_reports_defects_and_encapsulated_messages()
    {
        JsonElement root = Json("generated/unterminated-nested.eml");
        JsonElement defect = root.GetProperty("parts")[0].GetProperty("defects")[0];
        Assert.Equal("CloseBoundaryNotFound", defect.GetProperty("kind").GetString());
        Assert.True(defect.GetProperty("offset").GetInt32() > 0);

        JsonElement fwd = Json("generated/forwarded-rfc822.eml").GetProperty("parts")[1];
        Assert.Equal("message/rfc822", fwd.GetProperty("contentType").GetString());
        JsonElement inner = fwd.GetProperty("parts")[0];
        Assert.Equal("Transféré", inner.GetProperty("subject").GetString());
        Assert.Equal(2, inner.GetProperty("parts").GetArrayLength());
    }

    [Fact]
    public void Text_rendering_shows_tree_offsets_and_defects()
    {
        string text = MimeInspector.ToText(File.ReadAllBytes(Path.Combine(TestPaths.Corpus, "generated/mss-xdm.eml")));
        Assert.Contains("Subject: Compte rendu d'hospitalisation – séjour", text, StringComparison.Ordinal);
        Assert.Contains("  2 application/zip \"IHE_XDM.zip\" base64", text, StringComparison.Ordinal);
        Assert.Contains("2052 decoded", text, StringComparison.Ordinal);
        string bad = MimeInspector.ToText(File.ReadAllBytes(Path.Combine(TestPaths.Corpus, "generated/missing-start-boundary.eml")));
        Assert.Contains("! StartBoundaryNotFound@", bad, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspector_never_throws_on_garbage()
    {
        var rnd = new Random(1);
        for (int i = 0; i < 200; i++)
        {
            byte[] b = new byte[rnd.Next(0, 400)];
            rnd.NextBytes(b);
            Assert.NotNull(MimeInspector.ToJson(b));
            Assert.NotNull(MimeInspector.ToText(b));
        }
    }
}
