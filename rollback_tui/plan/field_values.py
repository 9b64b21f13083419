"""Values typed into the wizard's fields (the full-screen one and plain mode): parsed the
same way wherever they are typed."""

from __future__ import annotations

import datetime as dt


def parse_date(text: str) -> dt.date:
    """A date written as YYYY-MM-DD. Raises ValueError saying how to write it."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("a date is written YYYY-MM-DD, for example 2026-11-22") from None


def parse_minutes(text: str) -> int:
    """Minutes between status updates, a whole number from 1 to 1440. Raises ValueError."""
    if not text.isdigit() or not 1 <= int(text) <= 1440:
        raise ValueError("minutes between updates: a whole number from 1 to 1440")
    return int(text)
