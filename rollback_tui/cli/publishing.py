"""The commands for the people who are not at the terminal: publish (the status page),
update (the status update drafted, and sent) and report (the postmortem of a run)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from rollback_tui import store
from rollback_tui.cli.output import (
    EXIT_FINDINGS,
    OutputOption,
    PathArg,
    fail,
    print_or_write,
    read_plan,
    say,
)
from rollback_tui.locations import default_user
from rollback_tui.plan.model import utc_now


@click.command(short_help="Write the status page: DIR/index.html and DIR/status.json.")
@click.argument("path", type=PathArg)
@click.argument("folder", metavar="DIR", type=PathArg)
@click.option("--by", help="Who is running the rollback (default: your login name).")
def publish(path: Path, folder: Path, by: str | None) -> None:
    """Write PATH's status page into DIR: index.html (one self-contained page, no
    JavaScript, reloaded every 30 s) and status.json (see `rollback-tui schema --status`),
    each replaced atomically. Serve DIR with any static web server; `run --publish DIR`
    and `drill --publish DIR` keep it up to date during the run."""
    from rollback_tui.notify.publisher import PublishError
    from rollback_tui.notify.publisher import publish as write

    plan, _ = read_plan(path)
    try:
        write(folder, plan, utc_now(), by or default_user())
    except PublishError as exc:
        fail(str(exc))
    say(f"Wrote {folder / 'index.html'} and {folder / 'status.json'}", lines=False)


@click.command(short_help="Draft the status update; --send posts it to the webhook.")
@click.argument("path", type=PathArg)
@click.option(
    "--send",
    is_flag=True,
    help="Post it to the webhook ($ROLLBACK_TUI_WEBHOOK_URL, or webhook_url under "
    "[notify] in the user config) and record it in the timeline.",
)
@click.option("--by", help="Who sends it (default: your login name).")
def update(path: Path, send: bool, by: str | None) -> None:
    """Print the status update drafted from PATH's timeline: what happened since the last
    update, what comes next and when the next update is.

    With --send it is posted to a Slack-compatible incoming webhook (Slack, Mattermost,
    Rocket.Chat), with the updates still waiting from before, and the plan's timeline
    records "update sent". Exit 0 sent; 1 not sent and queued (the checklist, or the next
    `update --send`, sends it); 2 no webhook, or a plan that cannot be used.
    """
    from rollback_tui.render.update_draft import draft_update

    plan, _ = read_plan(path)
    text = draft_update(plan, utc_now())
    if not send:
        say(text)
        return
    from rollback_tui.notify import sender, webhook
    from rollback_tui.notify.outbox import Outbox

    try:
        url = webhook.webhook_url()
    except webhook.NoWebhook as exc:
        fail(str(exc))
    outbox = Outbox()
    try:
        mine, replaced = outbox.add(path, by or default_user(), text, utc_now())
    except OSError as exc:
        fail(f"{outbox.folder}: cannot keep the update: {exc.strerror or exc}")
    for old in replaced:
        say(f"Replaced the update queued at {old.created_at}, not sent: this one is newer.")
    deliveries = sender.send_waiting(outbox, url)
    if deliveries is None:
        say("Another rollback-tui is sending the waiting updates: this one is queued.")
        sys.exit(EXIT_FINDINGS)
    sent_mine = False
    for delivery in deliveries:
        try:
            sender.record(delivery)
        except store.PlanFileError as exc:
            say(f"rollback-tui: {exc}", err=True, lines=False)
        if delivery.pending.id == mine.id:
            sent_mine = delivery.sent
            if delivery.sent:
                say(text)
                say("Sent.", lines=False)
            else:
                say(f"Not sent: {delivery.reason}; queued, and tried again later.", lines=False)
        elif delivery.sent:
            say(f"Sent an update queued at {delivery.pending.created_at}.", lines=False)
    sys.exit(0 if sent_mine else EXIT_FINDINGS)


def _last_real_run(run_path: Path, run: store.Plan) -> store.Plan | None:
    """The plan's last real run (archived by reset) before a drill, if any."""
    from rollback_tui.store import runs

    if run.run is None or not run.run.plan:
        return None
    plan_path = run_path.resolve().parent.parent / run.run.plan
    try:
        found, _ = runs.list_runs(plan_path)
    except store.PlanFileError:
        return None
    real = [r for r in found if r.kind == "incident"]
    if not real:
        return None
    try:
        last, _ = store.read_plan(real[-1].path)
    except store.PlanFileError:
        return None
    return last


@click.command(short_help="Write the postmortem of a run or a drill.")
@click.argument("run", type=PathArg)
@OutputOption
@click.option(
    "--format",
    "form",
    type=click.Choice(["md", "html"]),
    default="md",
    show_default=True,
    help="md: Markdown (GFM) for the incident ticket; html: one self-contained page.",
)
def report(run: Path, output: Path | None, form: str) -> None:
    """Write the postmortem of RUN: a run or drill file from PLAN.runs/, or a plan (its
    current run). Summary, detection, the timeline with the time between events, each
    step's time against its option's estimate, failed and skipped steps, the updates sent
    and the follow-up as action items; a drill is compared with the last real run."""
    from rollback_tui.render.postmortem import postmortem
    from rollback_tui.render.report_format import to_html, to_markdown

    plan, _ = read_plan(run)
    doc = postmortem(plan, last_real_run=_last_real_run(run, plan))
    text = to_html(doc) if form == "html" else to_markdown(doc)
    print_or_write(text, output)
    if output is not None:
        say(f"Wrote {output}", err=True, lines=False)
