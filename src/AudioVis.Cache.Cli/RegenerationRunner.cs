using System.Globalization;
using System.Threading.Channels;
using AudioVis.Cache.Regeneration;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AudioVis.Cache.Cli;

/// <summary>
/// Runs regeneration tickets to their end and shows it: progress bars with the analyzer's ETA on an interactive
/// terminal; otherwise (redirected, CI) a line as each job starts and ends when <c>liveLines</c> is set. Then a table
/// of the outcomes in key order. Cancelling the token cancels every job; the library's atomic writes leave each
/// descriptor with its previous entry or the new one.
/// </summary>
internal static class RegenerationRunner
{
    private const string EtaState = "eta";

    /// <returns>The outcomes in key order, or <see langword="null"/> when the token cancelled the run.</returns>
    public static async Task<IReadOnlyList<RegenerationOutcome>?> RunAsync(
        CliContext context, CacheSession session, Func<IReadOnlyList<RegenerationTicket>> enqueue, bool liveLines, CancellationToken cancellationToken)
    {
        var events = Channel.CreateUnbounded<RegenerationStatusChanged>(new UnboundedChannelOptions { SingleReader = true });
        IReadOnlyList<RegenerationTicket> tickets;
        using (session.Queue.Subscribe(e => events.Writer.TryWrite(e)))
        {
            tickets = enqueue();
            var all = Task.WhenAll(tickets.Select(t => t.Completion));
            _ = all.ContinueWith(_ => events.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            try
            {
                if (context.Console.Profile.Capabilities.Interactive && tickets.Count > 0)
                {
                    await ShowProgressAsync(context.Console, session, tickets, events.Reader, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await ShowLinesAsync(context.Console, events.Reader, liveLines, cancellationToken).ConfigureAwait(false);
                }

                await all.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                foreach (var ticket in tickets)
                {
                    session.Queue.Cancel(ticket.JobId);
                }

                await Task.WhenAll(tickets.Select(t => t.Completion)).ConfigureAwait(false);
                return null;
            }
        }

        var outcomes = tickets.Select(t => t.Completion.Result).DistinctBy(o => o.JobId).OrderBy(o => o.Key).ThenBy(o => o.JobId).ToArray();
        Summarise(context.Console, outcomes);
        return outcomes;
    }

    private static async Task ShowLinesAsync(IAnsiConsole console, ChannelReader<RegenerationStatusChanged> events, bool liveLines, CancellationToken cancellationToken)
    {
        var started = new HashSet<long>();
        await foreach (var change in events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!liveLines)
            {
                continue;
            }

            if (change.Status == RegenerationStatus.Running && started.Add(change.JobId))
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"started   job {change.JobId}: {Describe(change)}"));
            }
            else if (change.IsFinal)
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{change.Status.ToString().ToLowerInvariant(),-9} job {change.JobId}: {Describe(change)}"));
            }
        }
    }

    private static async Task ShowProgressAsync(IAnsiConsole console, CacheSession session, IReadOnlyList<RegenerationTicket> tickets, ChannelReader<RegenerationStatusChanged> events, CancellationToken cancellationToken)
    {
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new EtaColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var bars = new Dictionary<long, ProgressTask>();
                foreach (var ticket in tickets.DistinctBy(t => t.JobId).OrderBy(t => t.Key))
                {
                    bars[ticket.JobId] = progress.AddTask(Markup.Escape($"{ticket.Key.TrackRef} · {ticket.Key.AnalysisProfileId}"), maxValue: 1);
                }

                await foreach (var change in events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!bars.TryGetValue(change.JobId, out var bar))
                    {
                        continue;
                    }

                    bar.Value = change.Progress;
                    var left = change.IsFinal ? TimeSpan.Zero : session.Eta.TryGetTimeLeft(change.Key, out var eta) ? eta : TimeSpan.MinValue;
                    bar.State.Update<double>(EtaState, _ => left.TotalSeconds);
                    if (change.IsFinal)
                    {
                        bar.Description = Markup.Escape($"{change.Key.TrackRef} · {change.Key.AnalysisProfileId}: {change.Status}");
                        bar.StopTask();
                    }
                }
            }).ConfigureAwait(false);
    }

    private static void Summarise(IAnsiConsole console, IReadOnlyList<RegenerationOutcome> outcomes)
    {
        if (outcomes.Count == 0)
        {
            console.MarkupLine("[green]Nothing to regenerate.[/]");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Track · profile").AddColumn("Descriptors analysed in one pass").AddColumn("Status");
        foreach (var outcome in outcomes)
        {
            table.AddRow(
                Markup.Escape($"{outcome.Key.TrackRef} · {outcome.Key.AnalysisProfileId}"),
                Markup.Escape(string.Join(", ", outcome.Descriptors)),
                outcome.Succeeded ? "[green]Succeeded[/]" : $"[red]{outcome.Status}[/] {Markup.Escape(outcome.Error?.Message ?? string.Empty)}");
        }

        console.Write(table);
    }

    private static string Describe(RegenerationStatusChanged change) =>
        $"{change.Key.TrackRef} · {change.Key.AnalysisProfileId} ({string.Join(", ", change.Descriptors)})"
        + (change.Error is { } error ? $": {error.Message}" : string.Empty);

    /// <summary>The time left as the analyzer estimates it (<c>AnalysisProgress.EstimatedTimeLeft</c>).</summary>
    private sealed class EtaColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            var seconds = task.State.Get<double>(EtaState);
            var text = seconds < 0 || (seconds == 0 && !task.IsFinished) ? "--:--" : TimeSpan.FromSeconds(Math.Ceiling(seconds)).ToString(@"mm\:ss", CultureInfo.InvariantCulture);
            return new Text(text, new Style(Color.Blue));
        }

        public override int? GetColumnWidth(RenderOptions options) => 5;
    }
}
