// SPDX-License-Identifier: AGPL-3.0-or-later
namespace Caducee.Mime.Benchmarks;

internal static class Fuzzer
{
    public static int Run(string[] args) => 0;
}
