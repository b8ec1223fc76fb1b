// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Imap.Server.Tests.Infrastructure;

internal static class TestPaths
{
    public static string RepoRoot
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "Caducee.slnx")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return dir ?? throw new InvalidOperationException("repository root not found");
        }
    }

    /// <summary>tests/TestData/imap: the C:/S: transcripts and the sample messages they use.</summary>
    public static string Transcripts => Path.Combine(RepoRoot, "tests", "TestData", "imap");

    public static string Messages => Path.Combine(Transcripts, "messages");
}
