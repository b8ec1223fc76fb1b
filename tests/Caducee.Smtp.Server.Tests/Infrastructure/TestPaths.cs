// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Smtp.Server.Tests.Infrastructure;

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

    /// <summary>tests/TestData/smtp: the C:/S: transcripts.</summary>
    public static string Transcripts => Path.Combine(RepoRoot, "tests", "TestData", "smtp");
}
