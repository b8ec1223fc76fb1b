// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Annuaire.Benchmarks;

return await BenchCommands.RunAsync(args);
