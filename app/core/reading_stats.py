"""The reading history summed up: per month or week, streaks, the wait from added to read,
the oldest unread entries, a year's heatmap. The same numbers for ``readnotes history`` and
for the browser's history screen (``H``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from app.core.model import Entry, Index, Status
from app.core.reading_history import EntryDates, History

BAR_CELLS = 24
OLDEST_UNREAD = 10
HEATMAP_WEEKS = 52


@dataclass(frozen=True, slots=True)
class Bucket:
    label: str  # "2024-01" or "2024-W03"
    added: int
    done: int


@dataclass(frozen=True, slots=True)
class Streaks:
    current: int  # weeks in a row with something read, up to this week (or the last)
    longest: int


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _dated(index: Index, history: History, since: date | None) -> list[tuple[Entry, EntryDates]]:
    none = EntryDates(None, None)
    pairs = [(entry, history.dates.get(entry.key, none)) for entry in index.entries]
    if since is None:
        return pairs
    return [
        (entry, dates)
        for entry, dates in pairs
        if (dates.added is not None and dates.added >= since)
        or (dates.done is not None and dates.done >= since)
    ]


def buckets(index: Index, history: History, *, by: str, since: date | None = None) -> list[Bucket]:
    """Every month (or ISO week) from the first to the last with something added or read,
    the quiet ones included."""
    label = week_label if by == "week" else month_label
    added: dict[str, int] = {}
    done: dict[str, int] = {}
    days: list[date] = []
    for _, dates in _dated(index, history, since):
        for day, counts in ((dates.added, added), (dates.done, done)):
            if day is not None and (since is None or day >= since):
                counts[label(day)] = counts.get(label(day), 0) + 1
                days.append(day)
    if not days:
        return []
    return [
        Bucket(name, added.get(name, 0), done.get(name, 0))
        for name in _labels(min(days), max(days), by)
    ]


def _labels(first: date, last: date, by: str) -> list[str]:
    if by == "week":
        day = first - timedelta(days=first.weekday())
        labels = []
        while day <= last:
            labels.append(week_label(day))
            day += timedelta(days=7)
        return labels
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def history_json(
    index: Index, history: History, *, by: str = "month", since: date | None = None
) -> dict[str, object]:
    def day(value: date | None) -> str | None:
        return value.isoformat() if value is not None else None

    entries = [
        {
            "title": entry.title,
            "category": list(entry.category),
            "line": entry.line,
            **({"file": entry.file} if entry.file else {}),
            "status": str(entry.status),
            "added": day(dates.added),
            "done": day(dates.done),
        }
        for entry, dates in _dated(index, history, since)
    ]
    name = "weeks" if by == "week" else "months"
    unit = "week" if by == "week" else "month"
    rows = [
        {unit: b.label, "added": b.added, "done": b.done}
        for b in buckets(index, history, by=by, since=since)
    ]
    return {"entries": entries, name: rows}


def done_days(history: History) -> list[date]:
    return [dates.done for dates in history.dates.values() if dates.done is not None]


def streaks(days: list[date], today: date) -> Streaks:
    """Weeks (Monday to Sunday) in a row with something read. The current streak may end last
    week: this week is not over yet."""
    weeks = sorted({(day - timedelta(days=day.weekday())).toordinal() // 7 for day in days})
    if not weeks:
        return Streaks(0, 0)
    longest = run = 1
    for before, after in pairwise(weeks):
        run = run + 1 if after == before + 1 else 1
        longest = max(longest, run)
    this_week = (today - timedelta(days=today.weekday())).toordinal() // 7
    present = set(weeks)
    week = this_week if this_week in present else this_week - 1
    current = 0
    while week in present:
        current += 1
        week -= 1
    return Streaks(current, longest)


def median_wait(history: History) -> float | None:
    """Days from added to read, the median over the entries that have both."""
    waits = [
        (d.done - d.added).days
        for d in history.dates.values()
        if d.added is not None and d.done is not None
    ]
    if not waits:
        return None
    waits.sort()
    middle = len(waits) // 2
    return waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2


def oldest_unread(
    index: Index, history: History, limit: int = OLDEST_UNREAD
) -> list[tuple[Entry, date]]:
    waiting = [
        (entry, added)
        for entry in index.entries
        if entry.status is Status.TODO
        and (added := history.dates.get(entry.key, EntryDates(None, None)).added) is not None
    ]
    waiting.sort(key=lambda pair: (pair[1], pair[0].position))
    return waiting[:limit]


def heatmap(days: list[date], today: date, weeks: int = HEATMAP_WEEKS) -> list[list[int]]:
    """Seven rows (Monday first) of ``weeks`` columns ending with this week: entries read that
    day. Days after today count nothing."""
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    grid = [[0] * weeks for _ in range(7)]
    for day in days:
        offset = (day - start).days
        if 0 <= offset < weeks * 7 and day <= today:
            grid[offset % 7][offset // 7] += 1
    return grid


def heatmap_start(today: date, weeks: int = HEATMAP_WEEKS) -> date:
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)


def bar(count: int, most: int, cells: int = BAR_CELLS) -> str:
    if most <= 0 or count <= 0:
        return ""
    return "█" * max(1, round(count * cells / most))


def wait_phrase(days: float) -> str:
    whole = round(days)
    return "1 day" if whole == 1 else f"{whole:g} days"


def weeks_phrase(count: int) -> str:
    return "1 week" if count == 1 else f"{count} weeks"


def history_report(
    index: Index, history: History, today: date, *, by: str = "month", since: date | None = None
) -> str:
    """The text of ``readnotes history``: a table with bars, streaks, median wait, oldest unread."""
    rows = buckets(index, history, by=by, since=since)
    out: list[str] = []
    if not rows:
        out.append("No dated activity yet.")
    else:
        most = max(max(r.added, r.done) for r in rows)
        head = "Week" if by == "week" else "Month"
        out.append(f"{head:<9} {'Added':>5} {'':<{BAR_CELLS}}  {'Read':>5}")
        for r in rows:
            out.append(
                f"{r.label:<9} {r.added:>5} {bar(r.added, most):<{BAR_CELLS}}  {r.done:>5} "
                f"{bar(r.done, most)}".rstrip()
            )
    out.append("")
    found = streaks(done_days(history), today)
    out.append(
        f"Weeks with something read: current streak {weeks_phrase(found.current)}, "
        f"longest {weeks_phrase(found.longest)}"
    )
    wait = median_wait(history)
    if wait is not None:
        out.append(f"Median time from added to read: {wait_phrase(wait)}")
    oldest = oldest_unread(index, history)
    if oldest:
        out.append("")
        out.append("Oldest unread:")
        for entry, added in oldest:
            trail = " › ".join(entry.category)
            where = f" ({trail})" if trail else ""
            out.append(f"  {added.isoformat()}  {entry.title}{where}  line {entry.line}")
    return "\n".join(out) + "\n"
