"""Triggers measured against a real Prometheus (backfilled by promtool), on the command
line and by the watcher that checklist mode runs."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cli_helpers import run
from prometheus_server import RATIO_QUERY, SPIKE_RATIO, Prometheus, free_port

from rollback_tui.metrics import prometheus as api
from rollback_tui.metrics.triggers import Result, Source, measure_all
from rollback_tui.metrics.watcher import TriggerWatcher
from rollback_tui.plan.trigger_states import last_states
from rollback_tui.run.session import RunSession
from rollback_tui.run.trigger_log import TriggerLog
from rollback_tui.store import read_plan

PLAN = """\
title = "Checkout v2"

[[triggers]]
trigger = "Error rate spike"
threshold = ">0.5% increase over baseline"
source = "Error tracking"
query = '{query}'

[[triggers]]
trigger = "User reports"
threshold = "3 tickets in 10 minutes"
source = "Support"

[procedure]
choice = "a"

[[procedure.option_a]]
id = "a-1"
text = "Monitor error rates returning to baseline"
verify = ["Error rate spike"]
"""


def write_plan(folder: Path, query: str = RATIO_QUERY, url: str | None = None) -> Path:
    path = folder / "plan.toml"
    text = PLAN.format(query=query)
    if url is not None:
        text = text.replace(
            'title = "Checkout v2"\n',
            f'title = "Checkout v2"\n\n[metrics]\nprometheus_url = "{url}"\n',
        )
    path.write_text(text)
    return path


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    return free_port()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A socket that accepts connections (the kernel does) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


class TestTriggersCommand:
    """`rollback-tui triggers PLAN --at TIME` against the backfilled spike."""

    def test_before_during_after(self, tmp_path: Path, prometheus: Prometheus) -> None:
        """Quiet before the spike, firing during it with its value, quiet after."""
        plan = write_plan(tmp_path, url=prometheus.url)
        before = run("triggers", plan, "--at", prometheus.before.isoformat())
        assert before.exit_code == 0, before.output
        assert "Error rate spike: quiet; value -" in before.output
        assert "User reports: not measured" in before.output
        during = run(
            "triggers", plan, "--at", str(int(prometheus.during.timestamp())), "--format", "json"
        )
        assert during.exit_code == 1, during.output
        rows = json.loads(during.output)
        assert rows[0]["trigger"] == "Error rate spike"
        assert rows[0]["state"] == "firing"
        assert rows[0]["value"] == pytest.approx(SPIKE_RATIO)
        assert rows[0]["query"] == RATIO_QUERY
        assert rows[1] == {
            "trigger": "User reports",
            "state": "not measured",
            "reason": None,
            "value": None,
            "at": None,
            "query": None,
        }
        after = run("triggers", plan, "--at", prometheus.after.isoformat())
        assert after.exit_code == 0, after.output
        assert "quiet" in after.output

    def test_url_from_environment(self, tmp_path: Path, prometheus: Prometheus) -> None:
        """ROLLBACK_TUI_PROMETHEUS_URL overrides the plan's address."""
        plan = write_plan(tmp_path, url=f"http://127.0.0.1:{free_port()}")
        env = {"ROLLBACK_TUI_PROMETHEUS_URL": prometheus.url}
        result = run("triggers", plan, "--at", prometheus.during.isoformat(), env=env)
        assert result.exit_code == 1, result.output
        assert "Error rate spike: firing; value 0.0740741" in result.output

    def test_unreachable(self, tmp_path: Path, closed_port: int) -> None:
        """A closed port: unknown, with the reason, exit 3."""
        plan = write_plan(tmp_path, url=f"http://127.0.0.1:{closed_port}")
        result = run("triggers", plan)
        assert result.exit_code == 3, result.output
        assert "Error rate spike: unknown (unreachable: connection refused)" in result.output

    def test_rejected_query(self, tmp_path: Path, prometheus: Prometheus) -> None:
        """A query Prometheus refuses: its error, cleaned, exit 3."""
        plan = write_plan(tmp_path, query="sum(rate(x[5m])", url=prometheus.url)
        result = run("triggers", plan, "--format", "json")
        assert result.exit_code == 3, result.output
        row = json.loads(result.output)[0]
        assert row["state"] == "unknown"
        assert row["reason"].startswith("query error: ")
        assert "parse error" in row["reason"]

    def test_slow_prometheus(self, tmp_path: Path, silent_server: str) -> None:
        """A server that never answers: the request gives up within its timeout."""
        plan = write_plan(tmp_path, url=silent_server)
        started = time.monotonic()
        result = run("triggers", plan)
        assert time.monotonic() - started < api.TIMEOUT + 5
        assert result.exit_code == 3, result.output
        assert "unreachable: no answer within 3 s" in result.output

    def test_no_address(self, tmp_path: Path) -> None:
        """A query with no Prometheus anywhere: unknown, exit 3."""
        result = run("triggers", write_plan(tmp_path))
        assert result.exit_code == 3
        assert "unknown (no Prometheus address)" in result.output

    @pytest.mark.parametrize(
        ("args", "env", "says"),
        [
            (["--at", "yesterday"], {}, "--at: not a time"),
            ([], {"ROLLBACK_TUI_PROMETHEUS_URL": "file:///etc/passwd"}, "not an http(s)"),
        ],
    )
    def test_unusable(
        self, tmp_path: Path, args: list[str], env: dict[str, str], says: str
    ) -> None:
        """A bad time or address: one line, exit 2."""
        result = run("triggers", write_plan(tmp_path), *args, env=env)
        assert result.exit_code == 2
        assert says in result.output
        assert len(result.output.strip().splitlines()) == 1


class _Recorder(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:
        auth = self.headers.get("Authorization", "")
        _Recorder.seen.append(auth)
        error = f"bad \x1b]52;c;ZXZpbA==\x07 query {auth}"  # a server that echoes the token
        body = json.dumps({"status": "error", "errorType": "bad_data", "error": error}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class TestToken:
    """The bearer token is sent to the address the user set, and never written, shown or
    recorded."""

    def test_token_sent_never_written(self, tmp_path: Path, prometheus: Prometheus) -> None:
        """Sent as a bearer token; absent from the output, the plan, its Markdown and the
        timeline after a watched run."""
        token = "s3cret-token-value"
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        _Recorder.seen = []
        try:
            address = f"http://127.0.0.1:{server.server_port}"
            plan = write_plan(tmp_path, url=address)
            env = {"ROLLBACK_TUI_PROMETHEUS_TOKEN": token}
            # The plan's own address: whoever wrote the plan chose it; no token goes there.
            withheld = run("triggers", plan, env=env)
            env["ROLLBACK_TUI_PROMETHEUS_URL"] = address
            result = run("triggers", plan, env=env)
        finally:
            server.shutdown()
            server.server_close()
        assert _Recorder.seen == ["", f"Bearer {token}"]
        assert "ROLLBACK_TUI_PROMETHEUS_TOKEN is sent only to" in withheld.output
        assert token not in withheld.output
        assert token not in result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "query error: bad \\x1b]52;c;ZXZpbA==\\x07 query Bearer [token]" in result.output
        session = RunSession.open(plan, by="alice")
        log = TriggerLog(session)
        where = Source(prometheus.url, token)
        log.heard(measure_all(session.plan, where, prometheus.during))
        assert token not in repr(where)
        for path in tmp_path.rglob("*"):
            if path.is_file():
                assert token.encode() not in path.read_bytes(), path


class TestWatcher:
    """The watcher's rounds, recorded once per change into the run's timeline."""

    def test_changes_recorded_once(self, tmp_path: Path, prometheus: Prometheus) -> None:
        """Quiet first, firing, firing again (nothing new), quiet again; then `status`."""
        plan = write_plan(tmp_path, url=prometheus.url)
        session = RunSession.open(plan, by="alice")
        log = TriggerLog(session)
        where = Source(prometheus.url)
        before = log.heard(measure_all(session.plan, where, prometheus.before))
        assert before == ["Error rate spike quiet"]
        first = log.heard(measure_all(session.plan, where, prometheus.during))
        assert first == ["Error rate spike firing: 0.0740741"]
        assert log.heard(measure_all(session.plan, where, prometheus.during)) == []
        assert session.still_firing("a-1") == ["Error rate spike"]
        assert log.heard(measure_all(session.plan, where, prometheus.after)) == [
            "Error rate spike quiet again"
        ]
        assert session.still_firing("a-1") == []
        saved, _ = read_plan(plan)
        events = [e for e in saved.timeline if e.event == "trigger"]
        assert [e.at for e in events] == [
            prometheus.before.replace(microsecond=0),
            prometheus.during.replace(microsecond=0),
            prometheus.after.replace(microsecond=0),
        ]
        assert {e.by for e in events} == {"prometheus"}
        assert last_states(saved)["Error rate spike"].state == "quiet"
        status = run("status", plan)
        after = f"{prometheus.after:%Y-%m-%d %H:%M:%S}"
        assert f"Trigger Error rate spike: quiet again (measured {after} UTC)" in status.output

    def test_unreachable_said_once(self, tmp_path: Path, closed_port: int) -> None:
        """Prometheus down: said once however many rounds."""
        plan = write_plan(tmp_path, url=f"http://127.0.0.1:{closed_port}")
        session = RunSession.open(plan, by="alice")
        log = TriggerLog(session)
        where = Source(f"http://127.0.0.1:{closed_port}")
        said = [log.heard(measure_all(session.plan, where)) for _ in range(3)]
        assert said == [["Prometheus not answering: unreachable: connection refused"], [], []]

    def test_thread_delivers_and_stops(self, tmp_path: Path, prometheus: Prometheus) -> None:
        """The thread measures at once, hands the round over, and stops when asked."""
        plan = write_plan(tmp_path, url=prometheus.url)
        session = RunSession.open(plan, by="alice")
        rounds: list[list[str]] = []
        got = threading.Event()

        def heard(results: list[Result]) -> None:
            rounds.append([r.state for r in results])
            got.set()

        watcher = TriggerWatcher(
            lambda: session.plan, Source(prometheus.url), 30, heard, lambda call: call()
        )
        watcher.start()
        assert got.wait(10)
        watcher.stop(wait=5)
        assert not watcher.running
        assert rounds[0] == ["quiet", "not measured"]  # now: long after the backfilled data


class TestPlanFile:
    """The query and verify in the Markdown, in `import`, and in `check`."""

    def test_markdown_and_import(self, tmp_path: Path) -> None:
        """The queries under the table in monospace; imported back onto their triggers."""
        plan = write_plan(tmp_path, query="up{job=`x`} == 0", url="http://127.0.0.1:9090")
        markdown = run("render", plan).output
        assert "- Error rate spike: ``up{job=`x`} == 0``" in markdown
        (tmp_path / "plan.md").write_text(markdown)
        result = run("import", tmp_path / "plan.md", "-o", tmp_path / "back.toml")
        assert result.exit_code == 0, result.output
        assert "not placed" not in result.output
        back, _ = read_plan(tmp_path / "back.toml")
        assert [(t.trigger, t.query) for t in back.triggers] == [
            ("Error rate spike", "up{job=`x`} == 0"),
            ("User reports", ""),
        ]

    def test_timeline_event_imported(self, tmp_path: Path, prometheus: Prometheus) -> None:
        """A measured trigger's timeline row comes back from the Markdown as it was."""
        plan = write_plan(tmp_path, url=prometheus.url)
        session = RunSession.open(plan, by="alice")
        TriggerLog(session).heard(
            measure_all(session.plan, Source(prometheus.url), prometheus.during)
        )
        (tmp_path / "plan.md").write_text(run("render", plan).output)
        result = run("import", tmp_path / "plan.md", "-o", tmp_path / "back.toml")
        assert "not placed" not in result.output, result.output
        back, _ = read_plan(tmp_path / "back.toml")
        assert [(e.event, e.by, e.text) for e in back.timeline] == [
            ("trigger", "prometheus", "Error rate spike firing: 0.0740741")
        ]

    def test_check(self, tmp_path: Path) -> None:
        """A verify naming no trigger; a query with no Prometheus anywhere."""
        plan = write_plan(tmp_path)
        plan.write_text(
            plan.read_text().replace('verify = ["Error rate spike"]', 'verify = ["Nope"]')
        )
        out = run("check", plan).output
        assert "procedure.option_a[0].verify: verifies 'Nope': no such trigger" in out
        assert "triggers[0].query: a query, but no Prometheus to ask" in out
        env = {"ROLLBACK_TUI_PROMETHEUS_URL": "http://127.0.0.1:9090"}
        assert "no Prometheus to ask" not in run("check", plan, env=env).output

    def test_old_plan_unchanged(self, example_plan: Path) -> None:
        """A plan without queries is read and saved as before: no [metrics], no query."""
        before = example_plan.read_text()
        session = RunSession.open(example_plan, by="alice")
        session.note("checked")
        after = example_plan.read_text()
        assert "[metrics]" not in after and "query" not in after and "verify" not in after
        assert after.startswith(before)  # only the note's event added, at the end


def test_urllib_loaded_by_the_first_request_only() -> None:
    """Importing the metrics (as the checklist does) loads no HTTP client: ~50 ms that a
    plan without queries never pays."""
    probe = (
        "import sys, rollback_tui.metrics.triggers, rollback_tui.metrics.watcher; "
        "print(sorted(m for m in ('urllib.request', 'http.client') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr
