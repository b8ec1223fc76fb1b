// SPDX-License-Identifier: AGPL-3.0-or-later
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Caducee.Annuaire.Fhir;
using Caducee.Annuaire.Model;
using Caducee.Core.Security;
using Microsoft.Extensions.Logging;

namespace Caducee.Annuaire.Publishing;

/// <summary>Where and how often an operator publishes its mailboxes.</summary>
/// <param name="FhirBase">The authority's FHIR base, e.g. https://annuaire.example/fhir (<c>Annuaire:PublicationUrl</c>).</param>
/// <param name="Interval">Time between two reconciliations when nothing signals a change.</param>
/// <param name="MinRetryDelay">First delay after a transient failure; it doubles up to <paramref name="MaxRetryDelay"/>.</param>
/// <param name="MaxRetryDelay">Longest delay between retries.</param>
public sealed record MailboxPublisherOptions(Uri FhirBase, TimeSpan Interval, TimeSpan MinRetryDelay, TimeSpan MaxRetryDelay)
{
    public MailboxPublisherOptions(Uri fhirBase, TimeSpan interval)
        : this(fhirBase, interval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5))
    {
    }
}

/// <summary>What one reconciliation did.</summary>
/// <param name="Published">Boxes added or updated on the authority.</param>
/// <param name="Withdrawn">Boxes removed from the authority.</param>
/// <param name="Refused">Changes the authority refused (404, 403, 409, 422…): kept pending, tried again at the next pass.</param>
/// <param name="Unpublishable">Active boxes without an owner identifier.</param>
/// <param name="TransientError">Why the pass stopped early (network, 5xx), or null: nothing is lost, the next pass resumes.</param>
public sealed record PublicationPass(int Published, int Withdrawn, int Refused, int Unpublishable, string? TransientError)
{
    /// <summary>True when the authority holds exactly what the node has.</summary>
    public bool Complete => Refused == 0 && TransientError is null;
}

/// <summary>
/// Publishes an operator's mailboxes to the Annuaire Santé (issue 7 point 6, REQ-25/26) by reconciliation:
/// it compares the mailboxes (<see cref="IPublishableMailboxSource"/>) with what it last published
/// successfully (<see cref="PublicationState"/>) and sends the differences as FHIR conditional PATCHes over
/// HTTPS, with the operator's client certificate, the authority's certificate checked against the trust
/// bundle (not the system store). Active boxes are added or updated, suspended and closed ones (and boxes
/// that disappeared) are withdrawn. It runs at start, every interval, and when <see cref="Signal"/>led;
/// a transient failure stops the pass and is retried with exponential backoff; a change is recorded as
/// published only after the authority's 200, so none is lost.
/// </summary>
public sealed partial class MailboxPublisher : IDisposable
{
    private readonly IPublishableMailboxSource _source;
    private readonly MailboxPublisherOptions _options;
    private readonly string _statePath;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Dictionary<string, string> _reported = new(StringComparer.Ordinal);

    public MailboxPublisher(IPublishableMailboxSource source, MailboxPublisherOptions options, string statePath, HttpMessageHandler handler, ILogger<MailboxPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _source = source;
        _options = options with { FhirBase = new Uri(options.FhirBase.ToString().TrimEnd('/') + "/") };
        _statePath = statePath;
        _logger = logger;
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>
    /// The HTTPS handler of a publisher: TLS 1.2+ (REQ-10), the operator's client certificate (the one it
    /// presents to other operators' MX), the authority's certificate validated against <paramref name="trust"/> only.
    /// </summary>
    public static HttpMessageHandler CreateHandler(CertificateTrust trust, X509Certificate2 clientCertificate)
    {
        var context = SslStreamCertificateContext.Create(clientCertificate, trust.Intermediates, offline: true);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new TlsPolicy().ClientOptions(string.Empty, trust, context),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        };
        handler.SslOptions.TargetHost = null; // taken from each request URI
        return handler;
    }

    /// <summary>Asks for a reconciliation now (a mailbox changed).</summary>
    public void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one pass covers every change made before it starts.
        }
    }

    /// <summary>Reconciles at start, then every interval or when signalled, backing off after transient failures, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            PublicationPass pass;
            try
            {
                pass = await ReconcileAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Caducee.Primitives.MailException or System.Data.Common.DbException)
            {
                pass = new PublicationPass(0, 0, 0, 0, ex.Message);
            }

            if (pass.TransientError is { } error)
            {
                delay = delay == TimeSpan.Zero ? _options.MinRetryDelay : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
                LogRetry(_logger, error, delay.TotalSeconds);
            }
            else
            {
                delay = TimeSpan.Zero;
            }

            try
            {
                await _signal.WaitAsync(delay == TimeSpan.Zero ? _options.Interval : delay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One reconciliation: sends every difference between the mailboxes and the last published state.</summary>
    public async Task<PublicationPass> ReconcileAsync(CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PassAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pass.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _pass.Dispose();
        _signal.Dispose();
    }

    private async Task<PublicationPass> PassAsync(CancellationToken cancellationToken)
    {
        var mailboxes = await _source.ListAsync(cancellationToken).ConfigureAwait(false);
        var state = PublicationState.Load(_statePath, _options.FhirBase);
        var desired = new Dictionary<string, PublishedEntry>(StringComparer.Ordinal);
        var unpublishable = 0;
        foreach (var m in mailboxes.Where(m => m.Status == PublishableStatus.Active))
        {
            if (m.OwnerId is null)
            {
                unpublishable++;
                Once(m.Address, "no-owner", () => LogNoOwner(_logger, m.Address, FhirMailboxPatch.TypeCode(m.Type)));
                continue;
            }

            var carrier = m.Type is MailboxType.Per or MailboxType.Cab ? PublicationCarrier.Practitioner : PublicationCarrier.Organization;
            desired[m.Address.ToLowerInvariant()] = new PublishedEntry(carrier, m.OwnerId,
                new PublishedMailbox(m.Address, m.Type, m.ListeRouge, null, m.Description, m.Service, m.Responsible));
        }

        // Withdrawals first, so that a box whose owner changed is free before it is added again.
        var changes = new List<(string Key, PublishedEntry Entry, MailboxPatchKind Kind)>();
        foreach (var (key, was) in state.Published)
        {
            if (!desired.TryGetValue(key, out var want) || want.Carrier != was.Carrier || want.Owner != was.Owner)
            {
                changes.Add((key, was, MailboxPatchKind.Delete));
            }
        }

        foreach (var (key, want) in desired)
        {
            if (!state.Published.TryGetValue(key, out var was) || want.Carrier != was.Carrier || want.Owner != was.Owner)
            {
                changes.Add((key, want, MailboxPatchKind.Add));
            }
            else if (want.Mailbox != was.Mailbox)
            {
                changes.Add((key, want, MailboxPatchKind.Replace));
            }
        }

        int published = 0, withdrawn = 0, refused = 0;
        string? transient = null;
        var dirty = false;
        foreach (var (key, entry, kind) in changes)
        {
            var outcome = await SendAsync(entry, kind, cancellationToken).ConfigureAwait(false);
            if (outcome.Transient is { } error)
            {
                transient = error;
                break;
            }

            if (outcome.Refusal is { } refusal)
            {
                refused++;
                Once(key, refusal, () => LogRefused(_logger, entry.Mailbox.Address, Operation(kind), entry.Carrier, entry.Owner, refusal));
                continue;
            }

            _reported.Remove(key);
            dirty = true;
            if (kind == MailboxPatchKind.Delete)
            {
                state.Published.Remove(key);
                withdrawn++;
            }
            else
            {
                state.Published[key] = entry;
                published++;
            }

            LogSent(_logger, entry.Mailbox.Address, Operation(kind), entry.Carrier, entry.Owner);
            if ((published + withdrawn) % 100 == 0)
            {
                state.Save(_statePath);
                dirty = false;
            }
        }

        if (dirty || !File.Exists(_statePath))
        {
            state.Save(_statePath);
        }

        var pass = new PublicationPass(published, withdrawn, refused, unpublishable, transient);
        if (published + withdrawn > 0 || refused > 0)
        {
            LogPass(_logger, published, withdrawn, refused, state.Published.Count);
        }

        return pass;
    }

    /// <summary>Sends one change; on a lost state (the authority already has, or no longer has, the box) it converges.</summary>
    private async Task<(string? Transient, string? Refusal)> SendAsync(PublishedEntry entry, MailboxPatchKind kind, CancellationToken cancellationToken)
    {
        var op = kind == MailboxPatchKind.Delete
            ? new MailboxPatchOperation(kind, entry.Mailbox.Address, null)
            : new MailboxPatchOperation(kind, kind == MailboxPatchKind.Replace ? entry.Mailbox.Address : null, entry.Mailbox);
        var (status, code, diagnostics) = await PatchAsync(entry, op, cancellationToken).ConfigureAwait(false);
        if (status == 422 && (kind, code) is (MailboxPatchKind.Add, "duplicate") or (MailboxPatchKind.Replace, "not-found"))
        {
            // The authority already holds it (state lost after a 200) / no longer does: send the other form.
            var other = kind == MailboxPatchKind.Add ? MailboxPatchKind.Replace : MailboxPatchKind.Add;
            (status, code, diagnostics) = await PatchAsync(entry, op with { Kind = other, Target = other == MailboxPatchKind.Replace ? entry.Mailbox.Address : null }, cancellationToken).ConfigureAwait(false);
        }

        if (status == 422 && kind == MailboxPatchKind.Delete && code == "not-found")
        {
            return (null, null); // already withdrawn
        }

        return status switch
        {
            200 => (null, null),
            < 0 or 408 or 429 or >= 500 => ($"{Operation(kind)} {entry.Mailbox.Address}: {diagnostics}", null),
            _ => (null, $"{status} {code}: {diagnostics}"),
        };
    }

    /// <summary>One conditional PATCH; returns the status (-1 when the authority was not reached), the OperationOutcome code and text.</summary>
    private async Task<(int Status, string? Code, string Diagnostics)> PatchAsync(PublishedEntry entry, MailboxPatchOperation op, CancellationToken cancellationToken)
    {
        var condition = entry.Carrier == PublicationCarrier.Practitioner
            ? FhirSystems.IdNatPs + "|" + entry.Owner
            : (entry.Owner.Length == 9 && entry.Owner.All(char.IsAsciiDigit) ? FhirSystems.Finess : FhirSystems.IdNatSt) + "|" + entry.Owner;
        var url = new Uri(_options.FhirBase, $"{entry.Carrier}?identifier={Uri.EscapeDataString(condition)}");
        using var request = new HttpRequestMessage(HttpMethod.Patch, url)
        {
            Content = new ByteArrayContent(FhirMailboxPatch.Write(entry.Carrier, [op])),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json") { CharSet = "utf-8" };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status == 200)
            {
                return (200, null, "ok");
            }

            try
            {
                using var doc = JsonDocument.Parse(body);
                var issue = doc.RootElement.GetProperty("issue")[0];
                return (status, issue.TryGetProperty("code", out var c) ? c.GetString() : null, issue.TryGetProperty("diagnostics", out var d) ? d.GetString() ?? string.Empty : string.Empty);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
            {
                return (status, null, $"HTTP {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}");
            }
        }
        catch (HttpRequestException ex)
        {
            return (-1, null, ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (-1, null, "timeout");
        }
    }

    private static string Operation(MailboxPatchKind kind) => kind switch
    {
        MailboxPatchKind.Add => "add",
        MailboxPatchKind.Replace => "update",
        _ => "withdraw",
    };

    /// <summary>Logs a problem once per address and reason (a pass every few seconds must not flood the log).</summary>
    private void Once(string key, string reason, Action log)
    {
        if (!_reported.TryGetValue(key, out var previous) || previous != reason)
        {
            _reported[key] = reason;
            log();
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Annuaire publication pass: {Published} published, {Withdrawn} withdrawn, {Refused} refused; {Total} mailboxes published")]
    private static partial void LogPass(ILogger logger, int published, int withdrawn, int refused, int total);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Annuaire refused to {Operation} {Address} on {Carrier} {Owner}: {Reason}; tried again at the next pass")]
    private static partial void LogRefused(ILogger logger, string address, string operation, PublicationCarrier carrier, string owner, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Annuaire publication interrupted ({Error}); retrying in {DelaySeconds} s")]
    private static partial void LogRetry(ILogger logger, string error, double delaySeconds);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Mailbox {Address} ({Type}) has no owner identifier (RPPS or structure id): not published")]
    private static partial void LogNoOwner(ILogger logger, string address, string type);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Debug, Message = "Annuaire: {Operation} {Address} on {Carrier} {Owner}")]
    private static partial void LogSent(ILogger logger, string address, string operation, PublicationCarrier carrier, string owner);
}
