// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Storage.Benchmarks;

return await StoreBench.RunAsync(args);
