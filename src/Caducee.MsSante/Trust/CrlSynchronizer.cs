// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Security;
using Microsoft.Extensions.Logging;

namespace Caducee.MsSante.Trust;

/// <summary>Where the CRLs come from and how often they are fetched.</summary>
/// <param name="Urls">CRL URLs (http or https; a CRL is signed, so plain http is fine, as IGC-Santé publishes them).</param>
/// <param name="Interval">The regular refresh.</param>
/// <param name="RetryInterval">How soon to retry after a failed download.</param>
public sealed record CrlSource(IReadOnlyList<Uri> Urls, TimeSpan Interval, TimeSpan RetryInterval);

/// <summary>
/// Downloads the configured CRLs into a <see cref="CrlStore"/> on a schedule: every interval, and when a
/// CRL held reaches its nextUpdate; sooner after a failure. A failed download or a CRL that does not verify
/// never removes the last good one (REQ-09, SC.MSS/CONF.22). HTTPS is pinned to the trust bundle.
/// </summary>
public sealed partial class CrlSynchronizer : IDisposable
{
    /// <summary>The largest CRL downloaded.</summary>
    public const int MaxCrlSize = 32 * 1024 * 1024;

    /// <summary>How long before a nextUpdate the refresh is attempted.</summary>
    public static readonly TimeSpan NextUpdateMargin = TimeSpan.FromMinutes(5);

    private readonly CrlStore _store;
    private readonly CrlSource _source;
    private readonly HttpClient _http;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    public CrlSynchronizer(CrlStore store, CrlSource source, CertificateTrust pinnedTrust, ILogger logger, TimeProvider? clock = null)
    {
        _store = store;
        _source = source;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new TlsPolicy().ClientOptions("crl", pinnedTrust, clientCertificate: null),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        handler.SslOptions.TargetHost = null; // taken from each request URI
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60), MaxResponseContentBufferSize = MaxCrlSize };
    }

    /// <summary>Whether the last cycle failed for at least one URL.</summary>
    public bool LastCycleFailed { get; private set; }

    /// <summary>Fetches every URL once. Returns the errors (empty when every CRL was fetched and applied).</summary>
    public async Task<IReadOnlyList<string>> SyncOnceAsync(CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        foreach (var url in _source.Urls)
        {
            byte[] der;
            try
            {
                der = await _http.GetByteArrayAsync(url, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                var error = $"cannot fetch {url}: {ex.Message}";
                errors.Add(error);
                LogFetchFailed(_logger, error);
                continue;
            }

            var refused = _store.TryApply(der, url.ToString());
            if (refused is null)
            {
                LogApplied(_logger, url.ToString());
            }
            else
            {
                errors.Add($"{url}: {refused}");
                LogRejected(_logger, url.ToString(), refused);
            }
        }

        LastCycleFailed = errors.Count > 0;
        return errors;
    }

    /// <summary>When the next cycle is due.</summary>
    public TimeSpan NextDelay()
    {
        var now = _clock.GetUtcNow();
        var delay = LastCycleFailed ? Min(_source.Interval, _source.RetryInterval) : _source.Interval;
        if (_store.EarliestNextUpdate is { } next)
        {
            var untilNext = next - NextUpdateMargin - now;
            delay = Min(delay, untilNext > TimeSpan.Zero ? untilNext : (LastCycleFailed ? _source.RetryInterval : TimeSpan.FromSeconds(1)));
        }

        return delay < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay;
    }

    /// <summary>Runs cycles until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(NextDelay(), _clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await SyncOnceAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _http.Dispose();

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "CRL from {Url} verified and in force")]
    private static partial void LogApplied(ILogger logger, string url);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "CRL fetch failed, keeping the last good CRL: {Error}")]
    private static partial void LogFetchFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "CRL from {Url} refused, keeping the last good CRL: {Error}")]
    private static partial void LogRejected(ILogger logger, string url, string error);
}
