"""The year's report as one self-contained HTML page for a head of mission.

Charts are drawn with matplotlib (Agg, no display, imported only here) and embedded as
``data:`` PNG images; the style sheet is inline; the page loads nothing from anywhere, so it
can be e-mailed, archived or opened offline.  The figures and their labels come from
:mod:`commresp.reporting.figures`.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from commresp.reporting.figures import OUTCOME_LABELS
from commresp.rules.language import long_date

COLOURS = {
    "on_time": "#2e7d32",
    "late": "#c62828",
    "late_unanswered": "#f4a6a6",
    "pending": "#90a4ae",
    "closed": "#d5dde1",
}
TYPE_NAMES = {"AL": "Allegation letters", "UA": "Urgent appeals", "OL": "Other letters"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Past this many communications the bar chart drops per-bar labels and annotations.
LABELLED_BARS = 40
# Past this many, each communication is a thin line rather than a bar.
MANY_BARS = 300
# The late-replies table shows at most this many, the latest first.
LATE_ROWS = 15


# --- charts -------------------------------------------------------------------------------


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    fig.patch.set_facecolor("white")
    return fig


def _style(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.spines[["left", "bottom"]].set_color("#9aa5ab")
    ax.tick_params(colors="#37474f", labelsize=9)
    ax.grid(axis="y", color="#eceff1", linewidth=0.8)
    ax.set_axisbelow(True)


def _png(fig) -> str:
    """The figure as a base64 PNG (no metadata, so the same figures give the same bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def replies_chart(communications: Sequence[Mapping[str, Any]]) -> str | None:
    """Each communication in order of letter date: days taken to reply (or waited so far),
    coloured by outcome, against its reply period."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    shown = [c for c in communications if c["outcome"] != "closed"]
    if not shown:
        return None
    n = len(shown)
    days = [
        c["days_to_reply"] if c["days_to_reply"] is not None else c["days_waiting"] for c in shown
    ]
    periods = [c["reply_period_days"] for c in shown]
    x = list(range(n))
    fig = _figure(11, 4.6)
    ax = fig.add_subplot()
    _style(ax)
    if n > MANY_BARS:
        # Thousands of letters: one hairline each, in date order, so that where they overlap
        # on screen their colours mix in proportion instead of one outcome hiding another.
        ax.vlines(
            x,
            0,
            days,
            colors=[COLOURS[c["outcome"]] for c in shown],
            linewidth=700 / n,
            zorder=2,
        )
    else:
        for outcome in ("on_time", "late", "late_unanswered", "pending"):
            xs = [i for i in x if shown[i]["outcome"] == outcome]
            hatched = outcome == "late_unanswered"
            ax.bar(
                xs,
                [days[i] for i in xs],
                width=0.7 if n <= LABELLED_BARS else 0.9,
                color=COLOURS[outcome],
                edgecolor=COLOURS["late"] if hatched else "none",
                hatch="///" if hatched else None,
                linewidth=0.8 if hatched else 0,
                zorder=2,
            )
    if len(set(periods)) == 1:
        ax.axhline(periods[0], color="#263238", linestyle="--", linewidth=1.2, zorder=3)
        deadline, style = f"Reply date ({periods[0]} days after the letter)", "--"
    else:
        # reply periods differ by letter type (commresp.toml): a tick over each bar
        ax.hlines(periods, [i - 0.45 for i in x], [i + 0.45 for i in x], color="#263238", zorder=3)
        deadline, style = "Reply date of each letter", "-"
    if n <= LABELLED_BARS:
        ax.set_xticks(x, [c["ref"] for c in shown], rotation=55, ha="right", fontsize=8)
        for i in x:
            late = shown[i]["days_late"]
            if late:
                ax.annotate(
                    f"+{late} d",
                    (i, days[i]),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8,
                    color=COLOURS["late"],
                    fontweight="bold",
                )
    else:
        ticks, labels, seen = [], [], set()
        for i, c in enumerate(shown):
            month = c["letter_date"][:7]
            if month not in seen:
                seen.add(month)
                ticks.append(i)
                labels.append(MONTHS[int(month[5:]) - 1])
        ax.set_xticks(ticks, labels)
        ax.set_xlim(-1, n)
    ax.set_ylabel("Days from the letter", color="#37474f")
    ax.set_ylim(0, max(max(days), max(periods)) * 1.15 + 1)
    handles = [
        Patch(
            facecolor=COLOURS[o],
            edgecolor=COLOURS["late"] if o == "late_unanswered" else COLOURS[o],
            hatch="///" if o == "late_unanswered" else None,
            label=OUTCOME_LABELS[o],
        )
        for o in ("on_time", "late", "late_unanswered", "pending")
    ]
    handles.append(Line2D([0], [0], color="#263238", linestyle=style, label=deadline))
    ax.legend(
        handles=handles,
        loc="upper left",
        ncols=5,
        fontsize=8.5,
        frameon=False,
        bbox_to_anchor=(0, 1.12),
    )
    return _png(fig)


def months_chart(by_month: Mapping[str, Mapping[str, int]]) -> str:
    """Letters received each month, stacked by what became of them."""
    fig = _figure(5.6, 3.2)
    ax = fig.add_subplot()
    _style(ax)
    keys = sorted(by_month)
    x = list(range(len(keys)))
    bottom = [0] * len(keys)
    for outcome in ("on_time", "late", "late_unanswered", "pending", "closed"):
        values = [by_month[k][outcome] for k in keys]
        ax.bar(
            x,
            values,
            bottom=bottom,
            width=0.7,
            color=COLOURS[outcome],
            edgecolor=COLOURS["late"] if outcome == "late_unanswered" else "none",
            hatch="///" if outcome == "late_unanswered" else None,
            linewidth=0.6 if outcome == "late_unanswered" else 0,
            label=OUTCOME_LABELS[outcome],
            zorder=2,
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(x, [MONTHS[int(k[5:]) - 1] for k in keys])
    ax.set_ylabel("Letters", color="#37474f")
    top = max(bottom) if bottom else 0
    ax.set_ylim(0, max(top * 1.15, 1))
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _png(fig)


def agencies_chart(agencies: Mapping[str, Mapping[str, Any]]) -> str | None:
    """Median and worst days each agency took to answer."""
    timed = [(a["name"], a) for a in agencies.values() if a["median_days"] is not None]
    if not timed:
        return None
    timed.sort(key=lambda item: item[1]["median_days"])
    fig = _figure(5.6, 0.45 * len(timed) + 1.1)
    ax = fig.add_subplot()
    _style(ax)
    ax.grid(axis="x", color="#eceff1", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    y = list(range(len(timed)))
    ax.barh(y, [a["worst_days"] for _, a in timed], height=0.6, color="#e3e8eb", label="Worst")
    ax.barh(y, [a["median_days"] for _, a in timed], height=0.6, color="#1565c0", label="Median")
    names = [n if len(n) <= 32 else n[:31] + "…" for n, _ in timed]
    ax.set_yticks(y, names)
    ax.set_xlabel("Days from the enquiry to the first answer", color="#37474f")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return _png(fig)


# --- page ---------------------------------------------------------------------------------

CSS = """
body { font-family: "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #263238;
       margin: 0; background: #f5f7f8; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 40px; background: white; }
header { border-bottom: 3px solid #1565c0; padding-bottom: 12px; margin-bottom: 20px; }
header .mission { font-size: 14px; color: #546e7a; text-transform: uppercase;
                  letter-spacing: .04em; }
h1 { font-size: 26px; margin: 4px 0; }
header .asof { color: #546e7a; font-size: 14px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #e0e6e9;
     padding-bottom: 4px; }
.tiles { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; }
.tile { border-radius: 6px; padding: 12px 14px; background: #eef2f4; }
.tile .value { font-size: 30px; font-weight: 700; line-height: 1.1; }
.tile .label { font-size: 13px; font-weight: 600; margin-top: 2px; }
.tile .note { font-size: 12px; color: #546e7a; margin-top: 4px; }
.tile.good { background: #e8f5e9; } .tile.good .value { color: #2e7d32; }
.tile.bad { background: #fdecea; } .tile.bad .value { color: #c62828; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; align-items: start; }
img { max-width: 100%; height: auto; display: block; }
.caption { font-size: 12.5px; color: #546e7a; margin: 4px 0 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 5px 8px; border-bottom: 1px solid #eceff1; text-align: left;
         vertical-align: top; }
th { font-weight: 600; color: #455a64; background: #f5f7f8; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.late { color: #c62828; font-weight: 600; }
.none { color: #78909c; font-style: italic; }
footer { margin-top: 32px; font-size: 12px; color: #607d8b; border-top: 1px solid #e0e6e9;
         padding-top: 10px; }
details summary { cursor: pointer; color: #1565c0; margin: 8px 0; }
@media print { body { background: white; } main { padding: 0; max-width: none; }
               .tiles { grid-template-columns: repeat(3, 1fr); } }
"""


def _n(value: Any, suffix: str = "") -> str:
    return "–" if value is None else f"{value}{suffix}"


def _day(iso: str | None) -> str:
    return "–" if not iso else long_date(date.fromisoformat(iso), "en")


def _table(headers: Sequence[tuple[str, bool]], rows: Sequence[Sequence[Any]]) -> str:
    """An HTML table; ``headers`` are (title, numeric) pairs; cells are escaped here."""
    head = "".join(
        f'<th class="n">{escape(h)}</th>' if num else f"<th>{escape(h)}</th>" for h, num in headers
    )
    body = []
    for row in rows:
        cells = []
        for (_, num), value in zip(headers, row, strict=True):
            text = escape(str(value))
            cells.append(f'<td class="n">{text}</td>' if num else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _img(png: str | None, alt: str) -> str:
    if png is None:
        return '<p class="none">Nothing to chart yet.</p>'
    return f'<img src="data:image/png;base64,{png}" alt="{escape(alt)}">'


def _tile(value: Any, label: str, note: str = "", kind: str = "") -> str:
    return (
        f'<div class="tile {kind}"><div class="value">{escape(_n(value))}</div>'
        f'<div class="label">{escape(label)}</div><div class="note">{escape(note)}</div></div>'
    )


def render(report: Mapping[str, Any]) -> str:
    """The report as one HTML document (str)."""
    s = report["summary"]
    year = report["year"]
    comms = report["communications"]
    types = " · ".join(f"{t} {c['communications']}" for t, c in report["by_type"].items())
    share = f"{round(s['on_time_share'] * 100)}% of the {s['due']} due" if s["due"] else ""
    tiles = "".join(
        [
            _tile(s["communications"], "Communications received", types),
            _tile(s["on_time"], OUTCOME_LABELS["on_time"], share, "good"),
            _tile(
                s["late"],
                OUTCOME_LABELS["late"],
                "sent after the reply date",
                "bad" if s["late"] else "",
            ),
            _tile(
                s["late_unanswered"],
                OUTCOME_LABELS["late_unanswered"],
                "reply date passed",
                "bad" if s["late_unanswered"] else "",
            ),
            _tile(
                s["median_days_to_reply"],
                "Median days to reply",
                f"worst {_n(s['worst_days_to_reply'])} days" if s["replied"] else "no reply yet",
            ),
            _tile(
                s["open_enquiries"],
                "Agency enquiries open",
                f"{s['overdue_enquiries']} past their due date",
                "bad" if s["overdue_enquiries"] else "",
            ),
        ]
    )
    late = [c for c in comms if c["outcome"] in ("late", "late_unanswered")]
    late_table = (
        _table(
            [
                ("Reference", False),
                ("Letter", False),
                ("Reply date", False),
                ("Sent", False),
                ("Days late", True),
            ],
            [
                (
                    c["ref"],
                    _day(c["letter_date"]),
                    _day(c["reply_due"]),
                    _day(c["sent_on"]) if c["sent_on"] else "not yet",
                    c["days_late"],
                )
                for c in sorted(late, key=lambda c: -c["days_late"])[:LATE_ROWS]
            ],
        )
        + (
            f'<p class="caption">The {LATE_ROWS} with the most days late, of {len(late)}; '
            f"all are in <code>commresp report --year {year} --csv</code>.</p>"
            if len(late) > LATE_ROWS
            else ""
        )
        if late
        else '<p class="none">None: every reply due so far went out on time.</p>'
    )
    count_headers = [
        ("Letters", True),
        ("On time", True),
        ("Late", True),
        (OUTCOME_LABELS["late_unanswered"], True),
        ("Not yet due", True),
        ("Closed", True),
    ]

    def counts(c: Mapping[str, int]) -> list[int]:
        keys = ("communications", "on_time", "late", "late_unanswered", "pending", "closed")
        return [c[k] for k in keys]

    type_table = _table(
        [("Type", False), *count_headers],
        [(TYPE_NAMES.get(t, t), *counts(c)) for t, c in report["by_type"].items()],
    )
    mandate_table = _table(
        [("Mandate", False), *count_headers],
        [(c["title"], *counts(c)) for c in report["by_mandate"].values()],
    )
    agencies = report["agencies"]
    agency_table = (
        _table(
            [
                ("Agency", False),
                ("Asked", True),
                ("Answered", True),
                ("Median days", True),
                ("Worst days", True),
                ("Open", True),
                ("Overdue", True),
            ],
            [
                (
                    a["name"],
                    a["enquiries"],
                    a["answered"],
                    _n(a["median_days"]),
                    _n(a["worst_days"]),
                    a["open"],
                    a["overdue"],
                )
                for a in agencies.values()
            ],
        )
        if agencies
        else '<p class="none">No agency was asked about this year\'s letters.</p>'
    )
    every = ""
    if comms and len(comms) <= 500:
        every = (
            f"<details><summary>Every communication of {year} ({len(comms)})</summary>"
            + _table(
                [
                    ("Reference", False),
                    ("Letter", False),
                    ("Reply date", False),
                    ("Sent", False),
                    ("Days to reply", True),
                    ("Outcome", False),
                ],
                [
                    (
                        c["ref"],
                        c["letter_date"],
                        c["reply_due"],
                        c["sent_on"] or "–",
                        _n(c["days_to_reply"]),
                        OUTCOME_LABELS[c["outcome"]],
                    )
                    for c in comms
                ],
            )
            + "</details>"
        )
    replies_png = replies_chart(comms)
    by_how_much = " (the red figure says by how many days)" if len(comms) <= LABELLED_BARS else ""
    title = f"Replies to Special Procedures communications, {year}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<header>
<div class="mission">{escape(report["mission"])}</div>
<h1>{escape(title)}</h1>
<div class="asof">Letters dated in {year}, as of {escape(_day(report["as_of"]))}</div>
</header>
<section class="tiles">{tiles}</section>

<h2>Replies against the reply date</h2>
{_img(replies_png, "Days each communication took to reply, against its reply date")}
<p class="caption">One bar per communication, in order of letter date: the days from the letter
to the reply (or, while no reply has gone out, the days waited so far). The dashed line is the
reply date; a bar above it is late{by_how_much}.
Closed communications, which need no reply, are left out.</p>

<div class="cols">
<div>
<h2>Letters by month</h2>
{_img(months_chart(report["by_month"]), "Letters received each month, by outcome")}
<p class="caption">By month of the letter, stacked by what became of each one (colours as
above; light grey: closed, no reply needed).</p>
</div>
<div>
<h2>Late replies</h2>
{late_table}
<h2>By type of letter</h2>
{type_table}
</div>
</div>

<h2>Agencies' answer times</h2>
<div class="cols">
<div>{agency_table}
<p class="caption">Days from the enquiry being sent to the first answer received. Open:
enquiries not answered yet; overdue: open past their due date.</p></div>
<div>{_img(agencies_chart(agencies), "Median and worst days each agency took to answer")}</div>
</div>

<h2>By mandate</h2>
{mandate_table}
<p class="caption">A joint communication counts once for each mandate that signed it.</p>
{every}
<footer>Made by commresp from the workspace record on {escape(_day(report["as_of"]))}.
A reply is on time when it was sent on or before the reply date. Figures are the same as
<code>commresp report --year {year} --json</code>.</footer>
</main>
</body>
</html>
"""
