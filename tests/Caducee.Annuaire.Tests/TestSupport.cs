// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Import;
using Caducee.Annuaire.Store;

namespace Caducee.Annuaire.Tests;

/// <summary>Paths of the checked-in sample files and a throw-away store.</summary>
internal static class Samples
{
    public const string Stamp = "202611210300";

    public static string Dir => Path.Combine(AppContext.BaseDirectory, "TestData");

    public static string Ps => Path.Combine(Dir, $"PS_LibreAcces_Personne_activite_{Stamp}.txt");

    public static string PsLatin1 => Path.Combine(Dir, "latin1", $"PS_LibreAcces_Personne_activite_{Stamp}.txt");

    public static string PsZip => Path.Combine(Dir, $"PS_LibreAcces_{Stamp}.zip");

    public static string PsMalformed => Path.Combine(Dir, "malformed", $"PS_LibreAcces_Personne_activite_{Stamp}.txt");

    public static string Mss => Path.Combine(Dir, $"Extraction_Correspondance_MSSante_{Stamp}.txt");

    public static string ListeRouge => Path.Combine(Dir, $"Caducee_BAL_ListeRouge_{Stamp}.txt");

    public static DirectoryImportSources All => new(Ps, Mss, ListeRouge);
}

internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "caducee-dir-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A store in a temporary directory, loaded with the samples.</summary>
internal sealed class SampleStore : IDisposable
{
    private readonly TempDir _dir = new();

    private SampleStore()
    {
        Store = DirectoryStore.Open(_dir.File("directory.db"));
    }

    public DirectoryStore Store { get; }

    public DirectoryImportReport Report { get; private set; } = null!;

    public static async Task<SampleStore> CreateAsync()
    {
        var s = new SampleStore();
        s.Report = await s.Store.ImportAsync(Samples.All);
        return s;
    }

    public void Dispose()
    {
        Store.Dispose();
        _dir.Dispose();
    }
}
