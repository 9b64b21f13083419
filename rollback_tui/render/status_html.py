"""The status page, `index.html`: one self-contained file drawn from the run's status
(render/status_model.py) for the people who are not at the terminal. Inline CSS, no
JavaScript, no request to anywhere; refreshed by the browser every 30 s; readable on a
phone and on a desk, light and dark, printable. Every string from the plan is escaped
(html.escape) after its control characters are made visible: a hostile title stays text.
Pure.
"""

from __future__ import annotations

import datetime as dt
import html

from rollback_tui.plan.text import visible
from rollback_tui.plan.timeline import EVENT_LABELS
from rollback_tui.render.status_model import Counts, Status

REFRESH_SECONDS = 30

_CSS = """
:root { color-scheme: light dark; --bg: #fff; --fg: #1b1f24; --muted: #5b636e;
  --line: #d5d9de; --card: #f5f7f9; --done: #1a7f37; --skipped: #8a6d00;
  --failed: #c62828; --open: #9aa3ad; --link: #0a58ca; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0f1216; --fg: #e6e9ed; --muted: #9aa4af; --line: #2c333b;
    --card: #181d23; --done: #3fb950; --skipped: #d4a72c; --failed: #f85149;
    --open: #59636e; --link: #6ea8fe; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .2rem 0 .4rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; border-bottom: 1px solid var(--line);
  padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; overflow-wrap: anywhere; }
a { color: var(--link); overflow-wrap: anywhere; }
.kind { display: inline-block; font-weight: 700; letter-spacing: .04em; font-size: .8rem;
  padding: .1rem .5rem; border-radius: .3rem; background: var(--failed); color: #fff; }
.kind.drill { background: var(--skipped); }
.muted, .when { color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .6rem 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: .5rem; margin: .8rem 0; }
.card { background: var(--card); border-radius: .4rem; padding: .5rem .7rem; }
.card b { display: block; font-size: 1.6rem; }
.bar { display: flex; height: .7rem; border-radius: .35rem; overflow: hidden;
  background: var(--open); print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.bar span { display: block; height: 100%; }
.s-done { background: var(--done); } .s-skipped { background: var(--skipped); }
.s-failed { background: var(--failed); } .s-open { background: var(--open); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem;
  border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
th { color: var(--muted); font-weight: 600; }
.sections td.bar-cell { width: 40%; }
ol.steps { list-style: none; padding: 0; margin: 0; }
ol.steps li { display: grid; grid-template-columns: 5.5rem 1fr; gap: .5rem;
  padding: .35rem 0; border-bottom: 1px solid var(--line); }
.badge { display: inline-block; text-align: center; font-size: .75rem; font-weight: 700;
  border-radius: .3rem; padding: .1rem .3rem; color: #fff; height: fit-content;
  print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.badge.s-open { color: var(--fg); background: transparent; border: 1px solid var(--open); }
.text { overflow-wrap: anywhere; white-space: pre-wrap; }
.update { background: var(--card); border-radius: .4rem; padding: .6rem .8rem;
  white-space: pre-wrap; overflow-wrap: anywhere; }
ol.timeline { list-style: none; padding: 0; margin: 0; }
ol.timeline li { padding: .25rem 0; border-bottom: 1px solid var(--line);
  overflow-wrap: anywhere; white-space: pre-wrap; }
footer { margin: 2rem 0 1rem; font-size: .85rem; color: var(--muted); }
@media (max-width: 640px) {
  body { font-size: 15px; }
  .cards { grid-template-columns: repeat(2, 1fr); }
  .sections td.bar-cell { width: 30%; }
  ol.steps li { grid-template-columns: 1fr; gap: .1rem; }
}
@media print {
  body { background: #fff; color: #000; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  a { color: #000; }
  h2 { break-after: avoid; }
  ol.steps li, ol.timeline li, tr { break-inside: avoid; }
}
"""


def _text(value: str) -> str:
    """Plan text as HTML: control characters shown as escapes, then HTML-escaped."""
    return html.escape(visible(value, lines=True), quote=True)


def _time(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S} UTC" if value is not None else "—"


def _short(value: dt.datetime) -> str:
    return f"{value:%H:%M:%S}"


def _link(url: str) -> str:
    """The incident link: an anchor only for a web address (never javascript: or data:)."""
    shown = _text(url)
    if url.strip().lower().startswith(("https://", "http://")) and url.strip() == url:
        return f'<a href="{html.escape(url, quote=True)}" rel="noreferrer">{shown}</a>'
    return shown


def _bar(counts: Counts) -> str:
    if counts.total == 0:
        return '<div class="bar"></div>'
    parts = []
    for state in ("done", "skipped", "failed", "open"):
        n = getattr(counts, state)
        if n:
            width = 100 * n / counts.total
            parts.append(f'<span class="s-{state}" style="width:{width:.2f}%"></span>')
    return f'<div class="bar" role="img" aria-label="{_counts_text(counts)}">{"".join(parts)}</div>'


def _counts_text(counts: Counts) -> str:
    return (
        f"{counts.done} of {counts.total} done, {counts.skipped} skipped, "
        f"{counts.failed} failed, {counts.open} open"
    )


def _header(status: Status) -> list[str]:
    kind = "DRILL" if status.kind == "drill" else "ROLLBACK"
    css = "kind drill" if status.kind == "drill" else "kind"
    out = [
        f'<p><span class="{css}">{kind}</span></p>',
        f"<h1>{_text(status.title) or 'Untitled rollback plan'}</h1>",
        '<dl class="facts">',
    ]
    facts = [
        ("Incident", _text(status.incident)),
        ("Link", _link(status.incident_link) if status.incident_link else ""),
        ("Label", _text(status.label)),
        ("Rolling back", _text(status.version)),
        ("Back to", _text(status.target_version)),
        ("Started", _time(status.incident_started_at) if status.incident_started_at else ""),
        ("Run by", _text(", ".join(status.run_by))),
        ("Updated", _time(status.updated_at)),
    ]
    out += [f"<dt>{label}</dt><dd>{value}</dd>" for label, value in facts if value]
    out.append("</dl>")
    return out


def _progress(status: Status) -> list[str]:
    c = status.counts
    cards = [("Done", c.done), ("Skipped", c.skipped), ("Failed", c.failed), ("Open", c.open)]
    out = [
        '<section id="progress"><h2>Progress</h2>',
        f'<p class="counts">{_counts_text(c)}</p>',
        _bar(c),
        '<div class="cards">',
        *(f'<div class="card"><b>{n}</b>{label}</div>' for label, n in cards),
        "</div>",
        '<table class="sections"><thead><tr><th>Section</th><th>Done</th>'
        '<th class="bar-cell">Progress</th></tr></thead><tbody>',
    ]
    for section in status.sections:
        s = section.counts
        extra = []
        if s.skipped:
            extra.append(f"{s.skipped} skipped")
        if s.failed:
            extra.append(f"{s.failed} failed")
        more = f" <span class='muted'>({', '.join(extra)})</span>" if extra else ""
        out.append(
            f"<tr><td>{_text(section.name)}</td><td>{s.done}/{s.total}{more}</td>"
            f'<td class="bar-cell">{_bar(s)}</td></tr>'
        )
    out.append("</tbody></table></section>")
    return out


def _updates(status: Status) -> list[str]:
    out = ['<section id="updates"><h2>Status updates</h2>']
    last = status.last_update
    if last is None:
        out.append("<p class='muted'>No status update sent yet.</p>")
    else:
        out.append(f"<p class='when'>Last update {_time(last.at)}, by {_text(last.by)}</p>")
        out.append(f'<div class="update">{_text(last.text)}</div>')
    if status.next_update_due is not None:
        out.append(f"<p>Next update due at {_time(status.next_update_due)}.</p>")
    out.append("</section>")
    return out


def _triggers(status: Status) -> list[str]:
    if not status.triggers:
        return []
    out = [
        '<section id="triggers"><h2>Rollback triggers</h2><table><thead><tr>'
        "<th>Trigger</th><th>Threshold</th><th>Now</th></tr></thead><tbody>"
    ]
    for t in status.triggers:
        if t.state is None:
            now = "<span class='muted'>not measured</span>"
        else:
            value = f" ({_text(t.value)})" if t.value else ""
            at = f" <span class='muted'>at {_short(t.at)}</span>" if t.at else ""
            css = {"firing": "failed", "quiet": "done"}.get(t.state, "open")
            now = f'<span class="badge s-{css}">{t.state}</span>{value}{at}'
        out.append(
            f"<tr><td>{_text(t.trigger)}</td><td>{_text(t.threshold)}</td><td>{now}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _steps(status: Status) -> list[str]:
    out = ['<section id="steps"><h2>Steps</h2>']
    section = None
    for item in status.items:
        if item.section != section:
            if section is not None:
                out.append("</ol>")
            section = item.section
            out.append(f'<h3>{_text(section)}</h3><ol class="steps">')
        details = []
        if item.state != "open":
            who = f" by {_text(item.by)}" if item.by else ""
            when = f" at {_time(item.at)}" if item.at else ""
            details.append(f"{item.state}{who}{when}")
        if item.reason:
            details.append(_text(item.reason))
        run = item.command_run
        if run is not None:
            code = "no exit code" if run.exit_code is None else f"exit {run.exit_code}"
            details.append(f"command run at {_short(run.started_at)}: {code}, {run.seconds:.0f} s")
        more = f"<br><span class='muted'>{' · '.join(details)}</span>" if details else ""
        mark = " <span class='muted'>(irreversible)</span>" if item.irreversible else ""
        out.append(
            f'<li><span class="badge s-{item.state}">{item.state}</span>'
            f'<div><span class="text">{_text(item.text)}</span>{mark}{more}</div></li>'
        )
    if section is not None:
        out.append("</ol>")
    out.append("</section>")
    return out


def _timeline(status: Status) -> list[str]:
    out = ['<section id="timeline"><h2>Timeline</h2>']
    if not status.timeline:
        out.append("<p class='muted'>Nothing has happened yet.</p>")
    else:
        out.append('<ol class="timeline" reversed>')
        for e in reversed(status.timeline):
            what = EVENT_LABELS.get(e.event, e.event)
            item = f" {_text(e.item)}" if e.item else ""
            text = f": {_text(e.text)}" if e.text else ""
            by = f" <span class='muted'>({_text(e.by)})</span>" if e.by else ""
            out.append(f"<li><span class='when'>{_short(e.at)}</span> {what}{item}{text}{by}</li>")
        out.append("</ol>")
    out.append("</section>")
    return out


def render_status_page(status: Status) -> str:
    """The status page of *status*: a whole HTML document, self-contained."""
    title = status.title.strip() or "Untitled rollback plan"
    c = status.counts
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">',
        '<meta name="color-scheme" content="light dark">',
        '<meta name="robots" content="noindex">',
        f"<title>{_text(title)} — {c.done}/{c.total} done</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body><main>",
    ]
    body = [
        *_header(status),
        *_progress(status),
        *_updates(status),
        *_triggers(status),
        *_steps(status),
        *_timeline(status),
        f"<footer>Written by rollback-tui at {_time(status.updated_at)}; this page reloads "
        f"every {REFRESH_SECONDS} s. The same status as JSON: "
        '<a href="status.json">status.json</a>.</footer>',
    ]
    return "\n".join([*head, *body, "</main></body>", "</html>", ""])
