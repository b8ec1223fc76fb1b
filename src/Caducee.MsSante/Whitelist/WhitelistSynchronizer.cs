// SPDX-License-Identifier: AGPL-3.0-or-later
using Caducee.Core.Security;
using Microsoft.Extensions.Logging;

namespace Caducee.MsSante.Whitelist;

/// <summary>Where the whitelist comes from and how often it is fetched.</summary>
public sealed record WhitelistSource(Uri Url, Uri? ChecksumUrl, TimeSpan Interval);

/// <summary>
/// Fetches the whitelist over HTTPS with the IGC-Santé bundle pinned (REQ-02: not the OS trust store),
/// verifies the checksum (REQ-03) and applies it atomically, keeping the last good list on failure (REQ-06).
/// </summary>
public sealed partial class WhitelistSynchronizer : IDisposable
{
    private readonly WhitelistStore _store;
    private readonly WhitelistSource _source;
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    public WhitelistSynchronizer(WhitelistStore store, WhitelistSource source, CertificateTrust pinnedTrust, ILogger<WhitelistSynchronizer> logger)
    {
        _store = store;
        _source = source;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new TlsPolicy().ClientOptions(source.Url.Host, pinnedTrust, clientCertificate: null),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        handler.SslOptions.TargetHost = null; // taken from each request URI
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30), MaxResponseContentBufferSize = WhitelistXml.MaxSize };
    }

    /// <summary>One fetch-verify-apply cycle. Returns null on success, else the reason the list in force was kept.</summary>
    public async Task<string?> SyncOnceAsync(CancellationToken cancellationToken)
    {
        byte[] file;
        string? checksum = null;
        try
        {
            file = await _http.GetByteArrayAsync(_source.Url, cancellationToken).ConfigureAwait(false);
            if (_source.ChecksumUrl is not null)
            {
                checksum = await _http.GetStringAsync(_source.ChecksumUrl, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            var error = _store.Fail($"cannot fetch {_source.Url}: {ex.Message}");
            LogFetchFailed(_logger, error);
            return error;
        }

        var result = _store.TryApply(file, checksum);
        if (result is null)
        {
            LogApplied(_logger, _store.Held!.Document.Domains.Count, _store.Held.Checksum);
        }
        else
        {
            LogRejected(_logger, result);
        }

        return result;
    }

    /// <summary>Runs <see cref="SyncOnceAsync"/> every interval until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_source.Interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await SyncOnceAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _http.Dispose();

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Whitelist applied: {DomainCount} domains, sha256 {Checksum}")]
    private static partial void LogApplied(ILogger logger, int domainCount, string checksum);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Whitelist fetch failed, keeping the list in force: {Error}")]
    private static partial void LogFetchFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Whitelist rejected, keeping the list in force: {Error}")]
    private static partial void LogRejected(ILogger logger, string error);
}
