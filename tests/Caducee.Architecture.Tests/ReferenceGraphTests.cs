// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Reflection;

namespace Caducee.Architecture.Tests;

/// <summary>
/// The dependency direction of docs/adr/0001-layout.md, checked on the compiled assemblies: a project that
/// uses one it must not fails here (a reference the compiler dropped because it is unused is harmless).
/// </summary>
public class ReferenceGraphTests
{
    private static readonly Dictionary<string, string[]> s_allowed = new()
    {
        ["Caducee.Primitives"] = [],
        ["Caducee.Mime"] = ["Primitives"],
        ["Caducee.Smtp.Protocol"] = ["Primitives"],
        ["Caducee.Imap.Protocol"] = ["Primitives"],
        ["Caducee.Core"] = ["Primitives", "Mime"],
        ["Caducee.Pki"] = ["Primitives"],
        ["Caducee.Annuaire"] = ["Primitives", "Core", "Mime"],
        ["Caducee.MsSante"] = ["Primitives", "Core", "Mime"],
        ["Caducee.Storage.FileBlobs"] = ["Primitives", "Core", "Mime"],
        ["Caducee.Storage.Sql"] = ["Primitives", "Core", "Mime"],
        ["Caducee.Storage.Sqlite"] = ["Primitives", "Core", "Mime", "Storage.Sql"],
        ["Caducee.Storage.Postgres"] = ["Primitives", "Core", "Mime", "Storage.Sql"],
        ["Caducee.Smtp.Server"] = ["Primitives", "Core", "Mime", "Smtp.Protocol"],
        ["Caducee.Imap.Server"] = ["Primitives", "Core", "Mime", "Imap.Protocol"],
        ["Caducee.Web"] = ["Primitives", "Core", "Mime", "MsSante", "Annuaire"],
        ["Caducee.Hosting"] = ["Primitives", "Core", "Mime", "MsSante", "Annuaire", "Pki", "Storage.FileBlobs", "Storage.Sql", "Storage.Sqlite", "Storage.Postgres"],
    };

    /// <summary>Sans-I/O protocol cores (STYLE.md §4.1): no ASP.NET Core, no DI, no logging, no storage.</summary>
    private static readonly string[] s_protocolCores = ["Caducee.Primitives", "Caducee.Mime", "Caducee.Smtp.Protocol", "Caducee.Imap.Protocol"];

    private static readonly string[] s_forbiddenInCores = ["Microsoft.AspNetCore", "Microsoft.Extensions", "Microsoft.Data", "Npgsql"];

    public static TheoryData<string> Assemblies()
    {
        var data = new TheoryData<string>();
        foreach (var name in s_allowed.Keys.Where(n => File.Exists(Path.Combine(AppContext.BaseDirectory, n + ".dll"))))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void References_only_what_the_layout_allows(string assembly)
    {
        var references = Assembly.Load(assembly).GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("Caducee.", StringComparison.Ordinal))
            .Select(n => n["Caducee.".Length..])
            .ToList();
        var forbidden = references.Except(s_allowed[assembly]).ToList();
        Assert.True(forbidden.Count == 0, $"{assembly} must not reference {string.Join(", ", forbidden)} (see docs/adr/0001-layout.md)");
    }

    [Fact]
    public void Protocol_cores_have_no_IO_framework_dependencies()
    {
        foreach (var core in s_protocolCores.Where(n => File.Exists(Path.Combine(AppContext.BaseDirectory, n + ".dll"))))
        {
            var bad = Assembly.Load(core).GetReferencedAssemblies()
                .Select(a => a.Name!)
                .Where(n => s_forbiddenInCores.Any(f => n.StartsWith(f, StringComparison.Ordinal)))
                .ToList();
            Assert.True(bad.Count == 0, $"{core} must stay sans-I/O but references {string.Join(", ", bad)}");
        }
    }

    [Fact]
    public void Every_product_assembly_is_covered_by_the_rules()
    {
        var present = Directory.GetFiles(AppContext.BaseDirectory, "Caducee.*.dll")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => !n!.EndsWith(".Tests", StringComparison.Ordinal) && n != "Caducee.Host")
            .ToList();
        Assert.NotEmpty(present);
        var unknown = present.Where(n => !s_allowed.ContainsKey(n!)).ToList();
        Assert.True(unknown.Count == 0, $"add rules for {string.Join(", ", unknown)} in ReferenceGraphTests and docs/adr/0001-layout.md");
    }

    [Fact]
    public void The_rules_do_fail_on_a_forbidden_reference()
    {
        // The Host composes everything, so it references servers that Hosting must not: the check sees it.
        var hostRefs = Assembly.Load("caducee").GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Caducee.Smtp.Server", hostRefs);
        Assert.DoesNotContain("Smtp.Server", s_allowed["Caducee.Hosting"]);
    }
}
