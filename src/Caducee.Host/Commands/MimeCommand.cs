// SPDX-License-Identifier: AGPL-3.0-or-later
using System.CommandLine;
using Caducee.Mime;

namespace Caducee.Host.Commands;

/// <summary>
/// `caducee mime inspect FILE [--json]`: the part tree, offsets and defects of a message — the tool an
/// operator uses when a hospital says "your server broke my message". The JSON is a stable interface.
/// </summary>
internal static class MimeCommand
{
    /// <summary>Messages larger than this are refused (the SMTP limit is far lower).</summary>
    private const long MaxFileSize = 1L << 30;

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A message file (.eml, raw RFC 5322 bytes)." };
        var json = new Option<bool>("--json") { Description = "Print JSON (contentType, charset, filename, decodedSize, text, parts, offsets, defects; subject, from, to at the root)." };
        var inspect = new Command("inspect", "Print the MIME tree of a message with byte offsets and defects.") { file, json };
        inspect.SetAction((parse, ct) => CommonOptions.GuardAsync(async () =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"error: file '{path}' does not exist; give the path of a message file (.eml)").ConfigureAwait(false);
                return 2;
            }

            if (new FileInfo(path).Length > MaxFileSize)
            {
                await Console.Error.WriteLineAsync($"error: '{path}' is larger than 1 GiB; not a message").ConfigureAwait(false);
                return 2;
            }

            var bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
            Console.WriteLine(parse.GetValue(json) ? MimeInspector.ToJson(bytes) : MimeInspector.ToText(bytes));
            return 0;
        }));
        return new Command("mime", "Inspect Internet messages.") { inspect };
    }
}
