// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Mime.Tests;

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

    public static string Corpus => Path.Combine(RepoRoot, "tests", "TestData", "mime");

    public static IEnumerable<string> CorpusFiles() =>
        Directory.EnumerateFiles(Corpus, "*.eml", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static string Relative(string path) => Path.GetRelativePath(Corpus, path).Replace('\\', '/');
}
