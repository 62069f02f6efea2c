using AudioVis.Cache.Regeneration;

namespace AudioVis.Cache.History;

/// <summary>
/// The names history values have in stored and exported formats (SQLite, PostgreSQL, export manifests), for stores
/// that persist <see cref="HistoryEntry"/>. Names never change once shipped.
/// </summary>
public static class HistoryWireNames
{
    /// <summary>Gets the wire name of an action: <c>auto_regenerate</c>, <c>manual_regenerate</c> or <c>dismissed</c>.</summary>
    /// <param name="action">The action.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined action.</exception>
    public static string Of(HistoryAction action) => action switch
    {
        HistoryAction.AutoRegenerate => "auto_regenerate",
        HistoryAction.ManualRegenerate => "manual_regenerate",
        HistoryAction.Dismissed => "dismissed",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, $"{action} is not a history action."),
    };

    /// <summary>Gets the wire name of a status: <c>success</c> or <c>failure</c>.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined status.</exception>
    public static string Of(HistoryStatus status) => status switch
    {
        HistoryStatus.Success => "success",
        HistoryStatus.Failure => "failure",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, $"{status} is not a history status."),
    };

    /// <summary>Gets the wire name of a trigger: <c>missing</c>, <c>stale</c>, <c>manual</c>, or several joined by <c>+</c> in that order (<c>missing+stale</c>).</summary>
    /// <param name="trigger">The trigger.</param>
    /// <returns>The name.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is None or has undefined flags.</exception>
    public static string Of(RegenerationReason trigger)
    {
        if (trigger == RegenerationReason.None || (trigger & ~(RegenerationReason.Missing | RegenerationReason.Stale | RegenerationReason.Manual)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(trigger), trigger, $"{trigger} is not a history trigger (Missing, Stale, Manual or a combination).");
        }

        return trigger switch
        {
            RegenerationReason.Missing => "missing",
            RegenerationReason.Stale => "stale",
            RegenerationReason.Manual => "manual",
            _ => string.Join('+', new[] { RegenerationReason.Missing, RegenerationReason.Stale, RegenerationReason.Manual }
                .Where(flag => trigger.HasFlag(flag))
                .Select(flag => Of(flag))),
        };
    }

    /// <summary>Parses an action's wire name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The action.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The name is not one this library writes; the message names it.</exception>
    public static HistoryAction ParseAction(string name) => name switch
    {
        null => throw new ArgumentNullException(nameof(name)),
        "auto_regenerate" => HistoryAction.AutoRegenerate,
        "manual_regenerate" => HistoryAction.ManualRegenerate,
        "dismissed" => HistoryAction.Dismissed,
        _ => throw new FormatException($"'{name}' is not a history action (auto_regenerate, manual_regenerate, dismissed)."),
    };

    /// <summary>Parses a status's wire name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The status.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The name is not one this library writes; the message names it.</exception>
    public static HistoryStatus ParseStatus(string name) => name switch
    {
        null => throw new ArgumentNullException(nameof(name)),
        "success" => HistoryStatus.Success,
        "failure" => HistoryStatus.Failure,
        _ => throw new FormatException($"'{name}' is not a history status (success, failure)."),
    };

    /// <summary>Parses a trigger's wire name (<c>missing</c>, <c>stale</c>, <c>manual</c>, or several joined by <c>+</c>).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The trigger.</returns>
    /// <exception cref="FormatException">The name is not one this library writes; the message names it.</exception>
    public static RegenerationReason ParseTrigger(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trigger = RegenerationReason.None;
        foreach (var part in name.Split('+'))
        {
            var flag = part switch
            {
                "missing" => RegenerationReason.Missing,
                "stale" => RegenerationReason.Stale,
                "manual" => RegenerationReason.Manual,
                _ => throw new FormatException($"'{name}' is not a history trigger (missing, stale, manual, or several joined by '+')."),
            };
            trigger |= flag;
        }

        return string.Equals(Of(trigger), name, StringComparison.Ordinal)
            ? trigger
            : throw new FormatException($"'{name}' is not a history trigger in canonical form ('{Of(trigger)}').");
    }
}
