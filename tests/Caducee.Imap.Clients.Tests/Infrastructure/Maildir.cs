// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Text;

namespace Caducee.Imap.Clients.Tests.Infrastructure;

/// <summary>One message file of a local Maildir written by a sync client: its path, the flag letters of its name (":2,FRS") and its sample index.</summary>
public sealed record MaildirMessage(string Path, string Flags, int Index)
{
    public bool Has(char flag) => Flags.Contains(flag, StringComparison.Ordinal);
}

/// <summary>Reads a Maildir folder (cur/ and new/) the way a mail reader would: flags from the file names, identity from the X-MSS-NIL header of the sample messages.</summary>
public static class Maildir
{
    public static IReadOnlyList<MaildirMessage> Read(string folder)
    {
        var result = new List<MaildirMessage>();
        foreach (var sub in new[] { "cur", "new" })
        {
            var dir = Path.Combine(folder, sub);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(dir))
            {
                var name = Path.GetFileName(file);
                var colon = name.LastIndexOf(":2,", StringComparison.Ordinal);
                var flags = colon < 0 ? string.Empty : name[(colon + 3)..];
                result.Add(new MaildirMessage(file, flags, IndexOf(File.ReadAllBytes(file))));
            }
        }

        return result;
    }

    /// <summary>The messages of a folder by sample index (a message without X-MSS-NIL has index -1).</summary>
    public static Dictionary<int, MaildirMessage> ByIndex(string folder) => Read(folder).Where(m => m.Index >= 0).ToDictionary(m => m.Index);

    /// <summary>Renames a message file with new flags, as a mail reader does when the user flags it locally.</summary>
    public static void SetFlags(MaildirMessage message, string flags)
    {
        var dir = Path.GetDirectoryName(Path.GetDirectoryName(message.Path))!;
        var name = Path.GetFileName(message.Path);
        var colon = name.LastIndexOf(":2,", StringComparison.Ordinal);
        var baseName = colon < 0 ? name : name[..colon];
        var sorted = new string([.. flags.Order()]);
        File.Move(message.Path, Path.Combine(dir, "cur", baseName + ":2," + sorted));
    }

    /// <summary>CRLF → LF: Maildir clients store messages with the local line ends.</summary>
    public static byte[] ToLf(byte[] crlf) => Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(crlf).Replace("\r\n", "\n", StringComparison.Ordinal));

    private static int IndexOf(byte[] message)
    {
        var text = Encoding.Latin1.GetString(message, 0, Math.Min(message.Length, 4096));
        var at = text.IndexOf("\nX-MSS-NIL: ", StringComparison.Ordinal);
        if (at < 0)
        {
            return -1;
        }

        var start = at + "\nX-MSS-NIL: ".Length;
        var end = text.IndexOfAny(['\r', '\n'], start);
        return int.Parse(text[start..end], CultureInfo.InvariantCulture) - 1_000_000;
    }
}
