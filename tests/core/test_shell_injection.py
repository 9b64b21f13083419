"""No value of a plan ever runs as shell code in a command someone pastes or runs.

The oracle: hostile values put into command shapes (comments, here-documents, every kind
of quoting, subshells, arithmetic, commands that run their arguments as a script), each
rendered as the Markdown and the checklist show it, then checked by `bash -n` and run by
real bash among stub commands in an empty folder. A value that ran leaves a marker file:
there must be none, and no rendered command may be a syntax error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollback_tui.plan.text import clean_text
from rollback_tui.render import substitute_command

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")

MARKER = "PWNED"

SHAPES = [
    "kubectl rollout undo deployment/$COMPONENT",
    "kubectl argo rollouts undo $COMPONENT --namespace ${COMPONENT}-ns",
    'curl -fsS -X POST "$URL/features/$FEATURE_FLAG/environments/off"',
    'kubectl patch service x -p \'{"color":"$COMPONENT"}\'',
    "# don't skip this\nkubectl rollout undo deployment/$COMPONENT",
    "cat <<EOF\nrolling back $COMPONENT to $TARGET_VERSION (it's $VERSION)\nEOF",
    "cat <<'EOF'\n$COMPONENT\nEOF\necho $COMPONENT",
    "cat <<-EOF\n\t$COMPONENT\n\tEOF",
    "echo $'it\\'s $COMPONENT' $COMPONENT",
    'echo "$(case $COMPONENT in a) echo a;; *) echo b;; esac)"',
    "echo \\$VERSION $VERSION \\\\$VERSION",
    'echo "deploying `echo $COMPONENT`"',
    'for c in $COMPONENT; do echo "$c"; done',
    'X=$COMPONENT; echo "$X"',
    'export X=$COMPONENT && echo "$X"',
    "echo $(( $VERSION + 1 ))",
    "[[ $COMPONENT == x ]] && echo same || echo differ",
    "[[ $VERSION -eq 1 ]] && echo one",
    'echo "$COMPONENT" | kubectl apply -f -',
    'kubectl exec pod -- sh -c "echo $COMPONENT"',
    'ssh bastion "systemctl restart $COMPONENT"',
    'eval "echo $COMPONENT"',
    'arr=(a b); echo "${arr[$VERSION]}"',
    "echo ${!COMPONENT} $COMPONENT",
    "cat <<< $COMPONENT",
    "diff <(echo $COMPONENT) <(echo $VERSION)",
    "{ echo $COMPONENT; } > /dev/null",
    'f() { echo "$1"; }; f $COMPONENT',
    "helm rollback shop $TARGET_VERSION --wait && echo '$INCIDENT'",
    "echo \"it's $COMPONENT\" 'and $COMPONENT'",
    'kubectl get pods -l "app in ($COMPONENT)"',
    "echo ${UNSET_THING:-$COMPONENT} ${COMPONENT}",
    "let n=$VERSION+1; echo $n",
    "declare -i n=$VERSION; echo $n",
    "watch -n 1 kubectl get pods $COMPONENT",
    "echo $COMPONENT # it's a comment with $VERSION\necho done",
    "$ kubectl rollout undo deployment/$COMPONENT",
    "git -C ops checkout $TARGET_VERSION -- shop && kubectl apply -f ops/shop",
    "argocd app sync shop --revision $TARGET_VERSION",
    "redis-cli -u \"$REDIS_URL\" --scan --pattern '$COMPONENT:*' | xargs -r redis-cli unlink",
]
"""Commands as plans hold them: the defaults' shapes and the ways the shell reads them."""

HOSTILE = [
    "x; touch PWNED",
    "$(touch PWNED)",
    "`touch PWNED`",
    "'; touch PWNED; '",
    '"; touch PWNED; "',
    "a[$(touch PWNED)]",
    "x\ntouch PWNED",
    "*",
    "x|touch PWNED",
    "x&&touch PWNED",
    ">PWNED",
    "${IFS}touch${IFS}PWNED",
    "~root {a,b}",
    "# x",
    "'",
    '"',
    "\\",
    "x)touch PWNED;(",
    "EOF\ntouch PWNED\nEOF",
    "$'\\x27'; touch PWNED",
    'it\'s "q" \\ $HOME `x` !x',
    "a[$(touch PWNED2)]+1",
    "-rf",
]
"""Values meant to break out: operators, substitutions, quotes, here-document ends."""

STUBS = {
    name: '#!/bin/sh\nprintf "<%s>" "$@"\n'
    for name in ("kubectl", "curl", "helm", "systemctl", "deploy", "git", "argocd", "redis-cli")
}
# A remote shell, and watch, run their arguments as a script: the stubs do the same.
STUBS["ssh"] = '#!/bin/sh\nshift\nexec sh -c "$*"\n'
STUBS["watch"] = '#!/bin/sh\nshift 2\nexec sh -c "$*"\n'


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the stub commands in bin/ and an empty work/ folder to run in."""
    root = tmp_path_factory.mktemp("shell-oracle")
    (root / "bin").mkdir()
    for name, script in STUBS.items():
        stub = root / "bin" / name
        stub.write_text(script)
        stub.chmod(0o755)
    return root


def variables(value: str) -> dict[str, str]:
    return {
        "COMPONENT": value,
        "VERSION": value,
        "TARGET_VERSION": value,
        "FEATURE_FLAG": value,
        "INCIDENT": value,
    }


def check(sandbox: Path, value: str) -> list[str]:
    """Every shape with *value*, rendered, checked and run: what went wrong, if anything."""
    folder = sandbox / "cases"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for n, shape in enumerate(SHAPES):
        (folder / f"{n:02}.sh").write_text(substitute_command(shape, variables(value)))
    work = sandbox / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    driver = (
        'for f in "$1"/*.sh; do\n'
        '  bash -n "$f" 2>/dev/null || echo "syntax error: $f"\n'
        '  (cd "$2" && timeout 5 bash "$f" </dev/null >/dev/null 2>&1)\n'
        "done\n"
    )
    env = {"PATH": f"{sandbox / 'bin'}:/usr/bin:/bin", "HOME": str(work), "LC_ALL": "C.UTF-8"}
    done = subprocess.run(
        ["bash", "-c", driver, "oracle", str(folder), str(work)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    problems = done.stdout.splitlines()
    for path in work.rglob("*"):
        if path.name.startswith(MARKER):
            problems.append(f"ran: {path.name}")
    if problems:
        for n, shape in enumerate(SHAPES):
            rendered = (folder / f"{n:02}.sh").read_text()
            problems.append(f"{n:02}: {shape!r} -> {rendered!r}")
    return problems


class TestTheOracle:
    """The oracle itself finds what it looks for."""

    def test_a_value_written_in_raw_runs(self, sandbox: Path) -> None:
        """Raw substitution, as a naive renderer would do it, is caught."""
        work = sandbox / "work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        raw = SHAPES[0].replace("$COMPONENT", "x; touch PWNED")
        subprocess.run(["bash", "-c", raw], cwd=work, capture_output=True, check=False)
        assert (work / MARKER).exists()

    def test_every_shape_is_valid_bash(self, sandbox: Path) -> None:
        """The shapes as written (no value given) parse."""
        for shape in SHAPES:
            assert subprocess.run(["bash", "-n", "-c", shape], check=False).returncode == 0, shape


class TestNoValueRuns:
    """No hostile value runs, and no rendered command is a syntax error."""

    @pytest.mark.parametrize("value", HOSTILE)
    def test_hostile_values(self, sandbox: Path, value: str) -> None:
        assert check(sandbox, value) == []

    @settings(
        max_examples=int(os.environ.get("ROLLBACK_TUI_ORACLE_EXAMPLES", "12")),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        value=st.lists(
            st.one_of(
                st.sampled_from([*"|&;<>()$`\\\"' \t\n*?[]#~=%!{}-:", "EOF", "$((", MARKER]),
                st.characters(exclude_categories=["Cs", "Cc"]),
            ),
            min_size=1,
            max_size=16,
        ).map(lambda parts: clean_text("".join(parts)))
    )
    def test_any_value(self, sandbox: Path, value: str) -> None:
        """Values as hostile as hypothesis makes them, as a plan file would hold them."""
        assert check(sandbox, f"$(touch {MARKER}){value}") == []
        assert check(sandbox, value) == []


class TestWhatStillWorks:
    """The rule keeps commands right: plain names written in, others one word."""

    def test_plain_names_are_written_in(self) -> None:
        got = substitute_command("helm rollback shop $VERSION", {"VERSION": "v2.4.0"})
        assert got == "helm rollback shop v2.4.0"

    def test_other_values_are_assigned_once_and_quoted_where_used(self, sandbox: Path) -> None:
        value = "web|edge `canary` it's"
        command = substitute_command(
            'kubectl argo rollouts undo $COMPONENT -p \'{"c":"$COMPONENT"}\'',
            {"COMPONENT": value},
        )
        assert command.splitlines()[0] == "COMPONENT='web|edge `canary` it'\\''s'"
        done = subprocess.run(
            ["bash", "-c", command],
            capture_output=True,
            text=True,
            env={"PATH": f"{sandbox / 'bin'}:/usr/bin:/bin"},
            check=True,
        )
        assert done.stdout == f'<argo><rollouts><undo><{value}><-p><{{"c":"{value}"}}>'

    def test_a_command_that_runs_a_value_as_code_goes_without_it(self) -> None:
        command = substitute_command('ssh bastion "restart $COMPONENT"', {"COMPONENT": "a b"})
        assert command.splitlines()[0].startswith("# COMPONENT left unset")
        assert "a b" not in command
