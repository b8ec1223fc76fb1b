// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.EndToEnd.Tests.Infrastructure;

/// <summary>The repository checkout the tests run from (for scripts and test data).</summary>
public static class Repository
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Caducee.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }
}
