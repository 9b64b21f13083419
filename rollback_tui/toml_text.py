"""Reading TOML text: every TOML file rollback-tui reads (plans, config, themes, key maps)
is parsed here, and its errors are this module's TOMLDecodeError.

The parser is tomli, the project the standard library's tomllib is a copy of, in its
compiled build: three times as fast on a long plan (0.37 s for a 9 MB plan where tomllib
takes 1.0 s), with the same values and messages. Its releases from 2.4 on read TOML 1.1
(an inline table over several lines, ``\\e``, a time without seconds), which Python 3.11's
tomllib and most other readers refuse: pyproject.toml keeps it below 2.4, so that a plan
`check` accepts is TOML 1.0, readable everywhere (tests/core/test_store.py). A nesting
deeper than it reads raises RecursionError, as tomllib's does.
"""

from __future__ import annotations

from typing import Any

import tomli

TOMLDecodeError = tomli.TOMLDecodeError
"""What loads raises for text that is not TOML (a ValueError, as tomllib's is)."""


def loads(text: str) -> dict[str, Any]:
    """*text* as a dict of plain values. Raises TOMLDecodeError or RecursionError."""
    return tomli.loads(text)
