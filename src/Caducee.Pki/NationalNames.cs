// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Security.Cryptography.X509Certificates;

namespace Caducee.Pki;

/// <summary>
/// Distinguished names in the IGC-Santé style (REQ-08, REQ-11, MSSANTE-SPEC §3.1): the whitelist prints
/// operator DNs as CN, OU (structure id), O, ST ("Département (NN)"), C.
/// </summary>
public static class NationalNames
{
    /// <summary>The test root, named after "AC RACINE IGC-SANTE ELEMENTAIRE".</summary>
    public static X500DistinguishedName Root(string organisation = "CADUCEE TEST") =>
        Build(cn: "AC RACINE IGC-SANTE TEST ELEMENTAIRE", ou: "IGC-SANTE TEST", o: organisation, st: null);

    /// <summary>The test organisations CA, named after "AC IGC-SANTE ELEMENTAIRE ORGANISATIONS".</summary>
    public static X500DistinguishedName Organisations(string organisation = "CADUCEE TEST") =>
        Build(cn: "AC IGC-SANTE TEST ELEMENTAIRE ORGANISATIONS", ou: "IGC-SANTE TEST ORGANISATIONS", o: organisation, st: null);

    /// <summary>An operator or organisation certificate: CN=host, OU=structure id, O=name, ST=département, C=FR.</summary>
    public static X500DistinguishedName Organisation(string commonName, string structureId, string organisation, string? department) =>
        Build(commonName, structureId, organisation, department);

    /// <summary>A professional's CPS-like certificate: CN=first LAST, serialNumber=idNatPS (8 + RPPS), OU=structure id.</summary>
    public static X500DistinguishedName Professional(string firstName, string lastName, string rpps, string structureId, string organisation)
    {
        // The builder prepends: add the most specific attribute first so C comes first in the encoding.
        var b = new X500DistinguishedNameBuilder();
        b.AddCommonName($"{firstName} {lastName.ToUpperInvariant()}");
        b.Add("2.5.4.5", "8" + rpps); // serialNumber: idNatPS
        b.Add("2.5.4.42", firstName); // givenName
        b.Add("2.5.4.4", lastName.ToUpperInvariant()); // surname
        b.AddOrganizationalUnitName(structureId);
        b.AddOrganizationName(organisation);
        b.AddCountryOrRegion("FR");
        return b.Build();
    }

    private static X500DistinguishedName Build(string cn, string? ou, string o, string? st)
    {
        // Encoded most significant first (C, ST, O, OU, CN) as IGC-Santé certificates are; printed most
        // specific first. X500DistinguishedNameBuilder prepends each attribute, hence the order of the calls.
        var b = new X500DistinguishedNameBuilder();
        b.AddCommonName(cn);
        if (ou is not null)
        {
            b.AddOrganizationalUnitName(ou);
        }

        b.AddOrganizationName(o);
        if (st is not null)
        {
            b.AddStateOrProvinceName(st);
        }

        b.AddCountryOrRegion("FR");
        return b.Build();
    }
}
