"""Plan files: exact round trips, hand edits kept, atomic writes, conflicts, bad files."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import stat
import tomllib
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from rollback_tui import store
from rollback_tui.plan import Contact, DeploymentType, new_component, new_plan
from rollback_tui.plan.model import SCHEMA_VERSION, Plan
from rollback_tui.plan.timeline import set_done
from rollback_tui.render import render_markdown

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AT = dt.datetime(2026, 11, 21, 3, 4, 5, tzinfo=dt.UTC)
OFFSET_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")

# Hand edits at every level: comments, blank lines, key order, unknown keys and tables.
HAND_EDITS = [
    (
        'title = "Checkout v2"\n',
        'title = "Checkout v2"  # what we roll back\nowner_team = "payments"\n\n',
    ),
    ("[assumptions]\n", '[assumptions]\n# reviewed by ops\nreviewed_by = "ops"\n'),
    (
        'threshold = "Any severity"\n',
        'threshold = "Any severity"\nseverity_floor = "low"   # our own key\n',
    ),
    ('[procedure]\nchoice = "both"\n', '[procedure]\n\n# both, always\nchoice = "both"\n'),
    (
        'id = "b-3"\ntext = "Wait for all instances to update"\n',
        'text = "Wait for all instances to update"\nid = "b-3"\nrunbook = "https://wiki/b3"\n'
        "\n# a blank line above\n",
    ),
    ('name = "payments-worker"\n', 'name = "payments-worker"\ntier = 1 # unknown\n'),
    ('id = "web-frontend-2"\n', '# step comment\nid = "web-frontend-2"\nretries = 3\n'),
    ("[followup]\n", "[followup]\n\n\n"),
    ('name = "Sam Patel"\n', 'pager = true\nname = "Sam Patel"\n'),
]
HAND_TAIL = "\n# Our own tables, kept as they are.\n[extra]\nfoo = 1\n\n[extra.sub]\nbar = [1, 2]\n"


def hand_edited(folder: Path) -> Path:
    """The example plan with hand edits everywhere, written to *folder*."""
    text = (EXAMPLES / "plan.toml").read_text()
    for old, new in HAND_EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / "plan.toml"
    path.write_text(text + HAND_TAIL)
    return path


@pytest.fixture
def plan_path(tmp_path: Path) -> Path:
    """A copy of the example plan (and its Markdown) in a folder of its own."""
    for name in ("plan.toml", "plan.md"):
        (tmp_path / name).write_bytes((EXAMPLES / name).read_bytes())
    return tmp_path / "plan.toml"


def opcodes(before: str, after: str) -> list[tuple[str, list[str], list[str]]]:
    """The line changes from *before* to *after*: (kind, old lines, new lines)."""
    a, b = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [
        (tag, a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def headers_spaced(text: str) -> bool:
    """True if every table header follows a blank line or a comment."""
    lines = text.splitlines()
    return all(
        i == 0 or lines[i - 1] == "" or lines[i - 1].startswith("#")
        for i, line in enumerate(lines)
        if line.startswith("[")
    )


class TestRoundTrip:
    def test_example_saves_byte_identical(self, plan_path: Path) -> None:
        """Loading and saving the example plan rewrites both files byte for byte."""
        before = plan_path.read_bytes()
        plan_file = store.load(plan_path)
        store.save(plan_file)
        assert plan_path.read_bytes() == before
        assert plan_path.with_suffix(".md").read_bytes() == (EXAMPLES / "plan.md").read_bytes()

    def test_hand_edited_file_saves_byte_identical(self, tmp_path: Path) -> None:
        """An unchanged hand-edited file is written back exactly as it was."""
        path = hand_edited(tmp_path)
        before = path.read_bytes()
        store.save(store.load(path))
        assert path.read_bytes() == before

    def test_save_load_save_is_stable(self, plan_path: Path) -> None:
        """A second save of a saved plan changes nothing."""
        plan_file = store.load(plan_path)
        set_done(plan_file.plan, "a-1", True, "sam", at=AT)
        store.save(plan_file)
        once = plan_path.read_bytes()
        store.save(store.load(plan_path))
        assert plan_path.read_bytes() == once

    @pytest.mark.parametrize("deployment_type", list(DeploymentType))
    def test_new_plan_survives_save_and_load(
        self, tmp_path: Path, deployment_type: DeploymentType
    ) -> None:
        """A new plan written to disk loads back equal, with either reader."""
        plan = new_plan(
            title="T",
            feature_flag="ff",
            db_impact=True,
            components=["a", "b"],
            deployment_type=deployment_type,
        )
        plan.communications.internal_template = "line 1\nline 2"
        set_done(plan, "b-1", True, "sam", at=AT)
        path = tmp_path / "plan.toml"
        store.save(store.new_file(path, plan))
        assert store.load(path).plan == plan
        assert store.read_plan(path) == (plan, [])

    def test_fresh_file_layout(self, tmp_path: Path) -> None:
        """A new file starts with schema_version and has one blank line before each table."""
        path = tmp_path / "plan.toml"
        store.save(store.new_file(path, new_plan(title="T", components=["api"])))
        text = path.read_text()
        assert text.startswith(f"schema_version = {SCHEMA_VERSION}\n")
        assert headers_spaced(text)
        assert "\n\n\n" not in text and text.endswith("\n") and not text.endswith("\n\n")

    def test_bom_is_accepted(self, tmp_path: Path) -> None:
        """A file saved with a UTF-8 byte order mark still loads."""
        path = tmp_path / "plan.toml"
        path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "plan.toml").read_bytes())
        assert store.load(path).plan.title == "Checkout v2"
        assert store.read_plan(path)[0].title == "Checkout v2"


class TestHandEdits:
    def test_unknown_keys_are_found_at_every_level(self, tmp_path: Path) -> None:
        """Keys rollback-tui does not know are reported with where they are."""
        expected = [
            "owner_team",
            "assumptions.reviewed_by",
            "triggers[3].severity_floor",
            "procedure.option_b[2].runbook",
            "components[1].tier",
            "components[2].steps[1].retries",
            "contacts[1].pager",
            "extra",
        ]
        path = hand_edited(tmp_path)
        assert store.load(path).unknown_keys == expected
        assert store.read_plan(path)[1] == expected
        # Found when first asked (a tick never asks): the text's answer, whatever became
        # of the plan read from it since.
        plan_file = store.load(path)
        del plan_file.plan.components[:2]
        plan_file.plan.contacts.clear()
        assert plan_file.unknown_keys == expected

    def test_each_field_holds_one_kind_of_model(self) -> None:
        """Unknown keys are found by the models' classes: a field that could hold two
        kinds of model would need the value read to tell which."""

        def held(kind: object) -> set[type[BaseModel]]:
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                return {kind}
            return {m for arg in typing.get_args(kind) for m in held(arg)}

        seen: set[type[BaseModel]] = set()
        todo: list[type[BaseModel]] = [Plan]
        while todo:
            model = todo.pop()
            if model in seen:
                continue
            seen.add(model)
            for name, info in model.model_fields.items():
                kinds = held(info.annotation)
                assert len(kinds) <= 1, f"{model.__name__}.{name}: {kinds}"
                todo += kinds
        assert len(seen) > 10  # the walk went down the plan

    def test_changing_fields_touches_only_their_lines(self, tmp_path: Path) -> None:
        """After edits at every level, each changed value rewrites its own line only."""
        path = hand_edited(tmp_path)
        before = path.read_text()
        plan_file = store.load(path)
        plan = plan_file.plan
        plan.title = "Checkout v3"
        plan.assumptions.sla = "99.95%"
        plan.triggers[3].threshold = "Any"
        plan.procedure.option_b[2].text = "Wait for every pod"
        plan.components[2].steps[1].text = "Verify health"
        plan.contacts[1].name = "Sam P."
        store.save(plan_file)
        assert opcodes(before, path.read_text()) == [
            (
                "replace",
                ['title = "Checkout v2"  # what we roll back'],
                ['title = "Checkout v3"  # what we roll back'],
            ),
            (
                "replace",
                ['sla = "99.9% availability; the rollback must finish within the error budget."'],
                ['sla = "99.95%"'],
            ),
            ("replace", ['threshold = "Any severity"'], ['threshold = "Any"']),
            (
                "replace",
                ['text = "Wait for all instances to update"'],
                ['text = "Wait for every pod"'],
            ),
            ("replace", ['text = "Verify health/connectivity"'], ['text = "Verify health"']),
            ("replace", ['name = "Sam Patel"'], ['name = "Sam P."']),
        ]

    def test_unsetting_a_value_removes_only_its_key(self, plan_path: Path) -> None:
        """A value set to nothing is removed from the file, with its comment."""
        before = plan_path.read_text()
        plan_file = store.load(plan_path)
        plan_file.plan.procedure.option_b[1].owner = None
        plan_file.plan.incident_link = ""
        store.save(plan_file)
        assert opcodes(before, plan_path.read_text()) == [
            ("delete", ['incident_link = "https://status.example.com/incidents/4821"'], []),
            ("delete", ['owner = "On-call engineer"'], []),
        ]

    def test_added_entries_are_spaced_like_their_neighbours(self, tmp_path: Path) -> None:
        """New contacts, components and steps get blank lines around them; nothing else moves."""
        path = hand_edited(tmp_path)
        before = path.read_text()
        plan_file = store.load(path)
        plan = plan_file.plan
        plan.contacts.append(Contact(role="DBA", name="Kim", contact="@kim"))
        plan.components.append(new_component(plan, "search"))
        plan.components[0].steps.append(plan.new_item("checkout-api", "Smoke test"))
        store.save(plan_file)
        after = path.read_text()
        assert headers_spaced(after)
        changes = opcodes(before, after)
        assert all(kind == "insert" for kind, _, _ in changes)
        inserted = [line for _, _, new in changes for line in new]
        assert inserted.count("[[contacts]]") == 1
        assert inserted.count("[[components]]") == 1
        assert inserted.count("[[components.steps]]") == 4
        assert store.read_plan(path) == (plan, store.load(path).unknown_keys)
        # The comment that introduces [extra] still sits right above it.
        assert 'contact = "@kim"\n\n# Our own tables, kept as they are.\n[extra]\n' in after
        assert "[extra.sub]\nbar = [1, 2]\n" in after

    def test_removing_an_entry_keeps_the_others_untouched(self, plan_path: Path) -> None:
        """Deleting a trigger removes its table and nothing else."""
        before = plan_path.read_text()
        plan_file = store.load(plan_path)
        del plan_file.plan.triggers[4]
        store.save(plan_file)
        block = (
            '[[triggers]]\ntrigger = "Revenue impact"\nthreshold = ">5% drop in '
            'conversion"\nsource = "Business metrics"\n\n'
        )
        assert before.count(block) == 1
        assert plan_path.read_text() == before.replace(block, "")


class TestTickInFile:
    def test_tick_adds_only_the_state_and_a_timeline_entry(self, plan_path: Path) -> None:
        """Ticking rewrites nothing but the item's state lines and the appended event."""
        before = plan_path.read_text()
        plan_file = store.load(plan_path)
        set_done(plan_file.plan, "b-3", True, "sam", at=AT)
        store.save(plan_file)
        after = plan_path.read_text()
        assert opcodes(before, after) == [
            ("insert", [], ["done = true", "done_at = 2026-11-21T03:04:05Z", 'done_by = "sam"']),
            (
                "insert",
                [],
                [
                    "",
                    "[[timeline]]",
                    "at = 2026-11-21T03:04:05Z",
                    'by = "sam"',
                    'event = "tick"',
                    'item = "b-3"',
                ],
            ),
        ]
        lines = after.splitlines()
        done = lines.index("done = true")
        assert lines[done - 1] == (
            'command = "kubectl -n shop rollout status deployment/checkout-api"'
        )

    def test_second_tick_appends_a_spaced_entry(self, plan_path: Path) -> None:
        """Each later tick appends its own event after a blank line."""
        for item_id in ("a-1", "a-2", "a-3"):
            plan_file = store.load(plan_path)
            set_done(plan_file.plan, item_id, True, "sam", at=AT)
            store.save(plan_file)
        text = plan_path.read_text()
        assert text.count("\n\n[[timeline]]\n") == 3
        assert headers_spaced(text)

    def test_untick_restores_the_item(self, plan_path: Path) -> None:
        """Unticking removes the state lines; the timeline keeps both events."""
        before = plan_path.read_text()
        plan_file = store.load(plan_path)
        set_done(plan_file.plan, "a-4", True, "sam", at=AT)
        store.save(plan_file)
        plan_file = store.load(plan_path)
        set_done(plan_file.plan, "a-4", False, "sam", at=AT)
        store.save(plan_file)
        changes = opcodes(before, plan_path.read_text())
        assert len(changes) == 1 and changes[0][0] == "insert"
        assert [line for line in changes[0][2] if line.startswith("event")] == [
            'event = "tick"',
            'event = "untick"',
        ]

    def test_tick_keeps_a_comment_on_the_item(self, plan_path: Path) -> None:
        """The comment after b-2's command survives ticking b-2."""
        plan_file = store.load(plan_path)
        set_done(plan_file.plan, "b-2", True, "sam", at=AT)
        store.save(plan_file)
        assert (
            'command = "helm rollback checkout 41 --wait"  # revision 41 is v2.3.1\n'
            in plan_path.read_text()
        )


class TestFormat:
    def test_multi_line_text_uses_triple_quotes(self, plan_path: Path) -> None:
        """Text with newlines is written as a \"\"\" string that reads back the same."""
        plan_file = store.load(plan_path)
        backups = 'Nightly "snapshot"\nPITR \\ 7 days\n'
        plan_file.plan.assumptions.backups = backups
        store.save(plan_file)
        text = plan_path.read_text()
        assert re.search(r'^backups = """', text, re.M)
        assert tomllib.loads(text)["assumptions"]["backups"] == backups

    def test_single_line_text_uses_one_line(self, tmp_path: Path) -> None:
        """Text without newlines is never written as a multi-line string."""
        path = tmp_path / "plan.toml"
        store.save(store.new_file(path, new_plan(title='say "hi"')))
        assert 'title = "say \\"hi\\""\n' in path.read_text()
        assert path.read_text().count('"""') == 2  # only the internal template

    def test_timestamps_are_datetimes_with_offset(self, plan_path: Path) -> None:
        """done_at and timeline times are TOML datetimes with an offset, in UTC."""
        plan_file = store.load(plan_path)
        set_done(plan_file.plan, "a-1", True, "sam", at=AT)
        store.save(plan_file)
        text = plan_path.read_text()
        values = re.findall(r"^(?:done_at|at) = (.+)$", text, re.M)
        assert len(values) == 2
        assert all(OFFSET_DATETIME.match(v) for v in values)
        data = tomllib.loads(text)
        for stamp in (data["procedure"]["option_a"][0]["done_at"], data["timeline"][0]["at"]):
            assert isinstance(stamp, dt.datetime)
            assert stamp.utcoffset() == dt.timedelta(0)
            assert stamp == AT

    def test_unset_keys_are_absent(self, tmp_path: Path) -> None:
        """Unticked items carry no done key; unset owners and commands are not written."""
        path = tmp_path / "plan.toml"
        store.save(store.new_file(path, new_plan(components=["api"])))
        data = tomllib.loads(path.read_text())
        step = data["components"][0]["steps"][2]
        assert step == {"id": "api-3", "text": "Check for data inconsistencies"}
        assert "rca_owner" not in data["followup"]
        assert "timeline" not in data

    def test_cleared_value_with_a_default_stays_cleared(self, plan_path: Path) -> None:
        """An emptied estimate is written as empty, not dropped and read back as the default."""
        plan_file = store.load(plan_path)
        plan_file.plan.procedure.option_a_estimate = ""
        store.save(plan_file)
        assert 'option_a_estimate = ""\n' in plan_path.read_text()
        assert store.read_plan(plan_path)[0].procedure.option_a_estimate == ""


class TestSchemaVersion:
    @pytest.mark.parametrize("reader", [store.load, store.read_plan])
    def test_newer_schema_is_refused(self, plan_path: Path, reader: object) -> None:
        """A plan from a newer rollback-tui is refused with a clear message."""
        text = plan_path.read_text().replace("schema_version = 1", "schema_version = 7")
        plan_path.write_text(text)
        with pytest.raises(store.PlanFileError) as caught:
            reader(plan_path)  # type: ignore[operator]
        message = str(caught.value)
        assert message.startswith(f"{plan_path}: schema_version 7")
        assert "newer rollback-tui" in message and "Upgrade" in message

    @pytest.mark.parametrize("value", ["0", "-1", '"1"', "true", "1.5"])
    def test_nonsense_versions_are_refused(self, tmp_path: Path, value: str) -> None:
        """A schema_version that is not a known whole number is refused."""
        path = tmp_path / "plan.toml"
        path.write_text(f"schema_version = {value}\n")
        with pytest.raises(store.PlanFileError, match="schema_version"):
            store.read_plan(path)

    def test_missing_version_means_current(self, tmp_path: Path) -> None:
        """A hand-written file without schema_version is read as the current schema."""
        path = tmp_path / "plan.toml"
        path.write_text('title = "x"\n')
        assert store.load(path).plan.schema_version == SCHEMA_VERSION


class TestAtomicWrite:
    @pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
    def test_permissions_are_kept(self, plan_path: Path, mode: int) -> None:
        """Saving keeps the plan file's permissions."""
        plan_path.chmod(mode)
        plan_file = store.load(plan_path)
        plan_file.plan.title = "changed"
        store.save(plan_file)
        assert stat.S_IMODE(plan_path.stat().st_mode) == mode

    def test_new_file_follows_the_umask(self, tmp_path: Path) -> None:
        """A file that did not exist gets the usual permissions for the umask."""
        old = os.umask(0o027)
        try:
            store.write_atomic(tmp_path / "x.md", b"x")
        finally:
            os.umask(old)
        assert stat.S_IMODE((tmp_path / "x.md").stat().st_mode) == 0o640

    def test_symlink_stays_a_link_and_its_target_is_updated(self, tmp_path: Path) -> None:
        """Saving through a symlink rewrites the target and leaves the link in place."""
        real = tmp_path / "real"
        real.mkdir()
        target = real / "plan.toml"
        target.write_bytes((EXAMPLES / "plan.toml").read_bytes())
        link = tmp_path / "plan.toml"
        link.symlink_to(Path("real") / "plan.toml")
        plan_file = store.load(link)
        plan_file.plan.title = "Through the link"
        store.save(plan_file)
        assert link.is_symlink() and os.readlink(link) == str(Path("real") / "plan.toml")
        assert 'title = "Through the link"' in target.read_text()
        # Beside the real file: its lock, backup and Markdown, and no temporary file left.
        assert sorted(p.name for p in real.iterdir()) == [
            ".plan.toml.lock",
            "plan.md",
            "plan.toml",
            "plan.toml.bak",
        ]
        assert "# Rollback Plan: Through the link" in (real / "plan.md").read_text()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml", "real"]

    def test_no_temp_files_are_left(self, plan_path: Path) -> None:
        """After saves, the folder holds the plan and its Markdown and nothing else."""
        for title in ("one", "two"):
            plan_file = store.load(plan_path)
            plan_file.plan.title = title
            store.save(plan_file)
        assert sorted(p.name for p in plan_path.parent.iterdir()) == [
            ".plan.toml.lock",
            "plan.md",
            "plan.toml",
            "plan.toml.bak",
        ]

    def test_failed_write_leaves_no_temp_file(self, tmp_path: Path) -> None:
        """When the replace fails, the temporary file is removed and the error is clear."""
        target = tmp_path / "plan.md"
        target.mkdir()
        with pytest.raises(store.PlanFileError, match=r"plan\.md: cannot write"):
            store.write_atomic(target, b"x")
        assert [p.name for p in tmp_path.iterdir()] == ["plan.md"]

    def test_missing_folder(self, tmp_path: Path) -> None:
        """Writing into a folder that does not exist names the folder."""
        with pytest.raises(store.PlanFileError, match="does not exist"):
            store.write_atomic(tmp_path / "nope" / "plan.toml", b"x")

    def test_parent_is_a_file(self, tmp_path: Path) -> None:
        """Writing below a file fails cleanly, naming the path."""
        (tmp_path / "file").write_text("x")
        with pytest.raises(store.PlanFileError, match=r"file/plan\.toml: "):
            store.write_atomic(tmp_path / "file" / "plan.toml", b"x")

    def test_written_bytes_are_exact(self, tmp_path: Path) -> None:
        """write_atomic replaces the file's content with exactly the bytes given."""
        path = tmp_path / "f"
        path.write_bytes(b"old content that is longer")
        store.write_atomic(path, b"new")
        assert path.read_bytes() == b"new"


class TestMarkdownBeside:
    def test_save_writes_the_markdown_beside(self, tmp_path: Path) -> None:
        """Saving writes plan.md next to plan.toml with the rendered plan."""
        path = tmp_path / "plan.toml"
        plan = new_plan(title="T")
        store.save(store.new_file(path, plan))
        assert (tmp_path / "plan.md").read_text() == render_markdown(plan)

    def test_markdown_follows_a_tick(self, plan_path: Path) -> None:
        """A tick saved to plan.toml is in plan.md too."""
        plan_file = store.load(plan_path)
        set_done(plan_file.plan, "a-1", True, "sam", at=AT)
        store.save(plan_file)
        assert (
            "1. [x] Disable feature flag in dashboard" in plan_path.with_suffix(".md").read_text()
        )

    def test_markdown_path(self) -> None:
        """The Markdown of any .toml path is the same name with .md."""
        assert store.markdown_path(Path("ops/checkout.toml")) == Path("ops/checkout.md")


class TestConflicts:
    def test_changed_on_disk_is_refused(self, plan_path: Path) -> None:
        """Saving over a file someone else changed raises ConflictError and writes nothing."""
        plan_file = store.load(plan_path)
        plan_file.plan.title = "mine"
        theirs = plan_path.read_text().replace("Checkout v2", "theirs")
        plan_path.write_text(theirs)
        md_before = plan_path.with_suffix(".md").read_bytes()
        with pytest.raises(store.ConflictError, match="changed on disk"):
            store.save(plan_file)
        assert plan_path.read_text() == theirs
        assert plan_path.with_suffix(".md").read_bytes() == md_before

    def test_force_overwrites(self, plan_path: Path) -> None:
        """With force, the save goes ahead anyway."""
        plan_file = store.load(plan_path)
        plan_file.plan.title = "mine"
        plan_path.write_text(plan_path.read_text().replace("Checkout v2", "theirs"))
        store.save(plan_file, force=True)
        assert 'title = "mine"' in plan_path.read_text()

    def test_same_bytes_rewritten_is_not_a_conflict(self, plan_path: Path) -> None:
        """A file touched but not changed does not block the save."""
        plan_file = store.load(plan_path)
        plan_file.plan.title = "mine"
        data = plan_path.read_bytes()
        plan_path.write_bytes(data)
        os.utime(plan_path, ns=(1, 1))
        store.save(plan_file)
        assert 'title = "mine"' in plan_path.read_text()

    def test_saving_twice_is_not_a_conflict(self, plan_path: Path) -> None:
        """A plan's own earlier save does not count as someone else's change."""
        plan_file = store.load(plan_path)
        for title in ("one", "two"):
            plan_file.plan.title = title
            store.save(plan_file)
        assert 'title = "two"' in plan_path.read_text()

    def test_file_created_since_is_refused(self, tmp_path: Path) -> None:
        """A new plan does not silently replace a file that appeared at its path."""
        path = tmp_path / "plan.toml"
        plan_file = store.new_file(path, new_plan())
        path.write_text('title = "someone else"\n')
        with pytest.raises(store.ConflictError, match="created"):
            store.save(plan_file)
        assert path.read_text() == 'title = "someone else"\n'


class TestBadFiles:
    @pytest.mark.parametrize("reader", [store.load, store.read_plan])
    def test_syntax_error_names_the_line(self, tmp_path: Path, reader: object) -> None:
        """A TOML syntax error names the file and the line."""
        path = tmp_path / "plan.toml"
        path.write_text('schema_version = 1\ntitle = "x"\ncreated = 2026-13-45\n')
        with pytest.raises(store.PlanFileError) as caught:
            reader(path)  # type: ignore[operator]
        assert str(caught.value).startswith(f"{path}: line 3, column ")
        assert "TOML syntax error" in str(caught.value)

    @pytest.mark.parametrize("reader", [store.load, store.read_plan])
    def test_wrong_type_names_the_field(self, tmp_path: Path, reader: object) -> None:
        """A value of the wrong type names the field, down to the list index."""
        path = tmp_path / "plan.toml"
        path.write_text('[[contacts]]\nrole = "x"\n\n[[contacts]]\nname = ["Sam"]\n')
        with pytest.raises(store.PlanFileError) as caught:
            reader(path)  # type: ignore[operator]
        assert str(caught.value) == (
            f"{path}:5: contacts[1].name: expected text in quotes, not an array"
        )

    def test_bad_id_names_the_id_field(self, tmp_path: Path) -> None:
        """A malformed checklist id is reported at the id itself."""
        path = tmp_path / "plan.toml"
        path.write_text('[[followup.items]]\nid = 5\ntext = "x"\n')
        with pytest.raises(store.PlanFileError) as caught:
            store.read_plan(path)
        assert str(caught.value) == (
            f"{path}:2: followup.items[0].id: expected text in quotes, not 5"
        )

    def test_not_utf8_names_the_line(self, tmp_path: Path) -> None:
        """Bytes that are not UTF-8 are reported with their line."""
        path = tmp_path / "plan.toml"
        path.write_bytes(b'schema_version = 1\ntitle = "caf\xe9"\n')
        with pytest.raises(store.PlanFileError, match=r"plan\.toml:2: not UTF-8"):
            store.load(path)

    def test_missing_file_and_folder(self, tmp_path: Path) -> None:
        """A missing file and a folder in its place each get a plain message."""
        with pytest.raises(store.PlanFileError, match="no such file"):
            store.load(tmp_path / "nope.toml")
        with pytest.raises(store.PlanFileError, match="is a folder"):
            store.read_plan(tmp_path)

    def test_duplicate_ids_in_a_file(self, tmp_path: Path) -> None:
        """Two items with the same id in a file are reported, not silently renumbered."""
        path = tmp_path / "plan.toml"
        path.write_text(
            '[[procedure.option_a]]\nid = "x-1"\n\n[[procedure.option_b]]\nid = "x-1"\n'
        )
        with pytest.raises(store.PlanFileError, match="'x-1' is used twice"):
            store.load(path)


class TestWhatTheReaderReadsTheWriterWrites:
    @pytest.mark.parametrize(
        "added",
        ['note = "bell \\e"\n', "extra = {\n  a = 1,\n}\n", "by = 07:32\n"],
    )
    def test_toml_1_1_is_refused_as_other_readers_refuse_it(
        self, tmp_path: Path, added: str
    ) -> None:
        """A plan stays TOML 1.0, which every reader takes: TOML 1.1 (``\\e``, an inline
        table over several lines, a time without seconds) is refused with the line, as
        Python's tomllib refuses it (tomli 2.4 and later would read it: the dependency's
        range stops before)."""
        path = tmp_path / "plan.toml"
        text = (EXAMPLES / "plan.toml").read_text()
        path.write_text(text.replace("[decision]\n", "[decision]\n" + added, 1))
        with pytest.raises(tomllib.TOMLDecodeError):
            tomllib.loads(path.read_text())
        with pytest.raises(store.PlanFileError, match=r"line \d+"):
            store.load(path)
