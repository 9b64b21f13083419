"""A real database downgrade run from a step: Alembic on SQLite, its dry run (`--sql`,
nothing changed) and its real run (the column gone), both through `exec`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run
from command_helpers import logs, step, write_plan

from rollback_tui import store

ENV_PY = """\
from alembic import context
from sqlalchemy import create_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
if context.is_offline_mode():
    context.configure(url=url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with create_engine(url).connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
"""

REVISION = """\
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = {down}


def upgrade():
    {upgrade}


def downgrade():
    {downgrade}
"""


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """An Alembic project on SQLite, upgraded to its second revision (a column added)."""
    (tmp_path / "alembic.ini").write_text(
        "[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite:///shop.db\n"
    )
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text(ENV_PY)
    (versions / "0001_orders.py").write_text(
        REVISION.format(
            revision="0001",
            down="None",
            upgrade='op.create_table("orders", sa.Column("id", sa.Integer, primary_key=True))',
            downgrade='op.drop_table("orders")',
        )
    )
    (versions / "0002_refunds.py").write_text(
        REVISION.format(
            revision="0002",
            down='"0001"',
            upgrade='op.add_column("orders", sa.Column("refund", sa.Integer))',
            downgrade='op.drop_column("orders", "refund")',
        )
    )
    alembic = [sys.executable, "-m", "alembic"]
    subprocess.run([*alembic, "upgrade", "head"], cwd=tmp_path, check=True, capture_output=True)
    return tmp_path / "shop.db"


def schema(db: Path) -> tuple[str, list[str]]:
    """The database's Alembic revision and the columns of its orders table."""
    with sqlite3.connect(db) as connection:
        [(revision,)] = connection.execute("SELECT version_num FROM alembic_version")
        columns = [row[1] for row in connection.execute("PRAGMA table_info(orders)")]
    return revision, columns


def test_the_dry_run_then_the_real_downgrade(database: Path) -> None:
    """The dry run prints the SQL and changes nothing; the real run drops the column and
    marks the irreversible step done; each run has its log."""
    alembic = f'"{sys.executable}" -m alembic'
    path = write_plan(
        database.parent,
        step(
            "shop-1",
            f"{alembic} downgrade -1",
            dry_run=f"{alembic} downgrade 0002:0001 --sql",
            irreversible=True,
        ),
    )
    dry = run("exec", path, "shop-1", "--yes", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "ALTER TABLE orders DROP COLUMN refund" in dry.output
    assert schema(database) == ("0002", ["id", "refund"])
    item = store.load(path).plan.item("shop-1")
    assert item is not None and item.state == "open"

    refused = run("exec", path, "shop-1", "--yes")
    assert refused.exit_code == 2 and schema(database) == ("0002", ["id", "refund"])

    real = run("exec", path, "shop-1", "--yes", "--irreversible", "--by", "dba")
    assert real.exit_code == 0, real.output
    assert schema(database) == ("0001", ["id"])
    plan = store.load(path).plan
    item = plan.item("shop-1")
    assert item is not None and item.state == "done" and item.done_by == "dba"
    rows = [e.text or "" for e in plan.timeline if e.event == "command"]
    assert rows[0].startswith("Dry run `") and rows[1].startswith("Ran `")
    assert [log.name.endswith("-dry-run.log") for log in logs(path)] == [True, False]
