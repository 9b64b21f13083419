"""One instant query to Prometheus' HTTP API (`GET /api/v1/query?query=…&time=…`).

Standard library only (urllib, json). Every request has a short timeout, so a slow or dead
Prometheus costs seconds, never a hang. The bearer token is read from the environment by
the caller and sent as an unredirected header: it is never followed to another host by a
redirect, never put into an error's text, never logged.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
import urllib.parse
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from rollback_tui.plan.text import visible

if TYPE_CHECKING:
    # urllib.request costs ~50 ms to import (http.client, email, ssl): loaded by the first
    # request, never by a checklist or a wizard that asks nothing.
    import urllib.error
    import urllib.request

TIMEOUT = 3.0
"""Seconds a request may take, connecting and reading (each)."""
MAX_ANSWER = 4 * 1024 * 1024
"""Bytes of an answer read at most: a query that returns a huge vector is not read whole."""
MAX_REASON = 300
"""Characters of Prometheus' error text kept."""


class Unreachable(Exception):
    """Prometheus could not be asked, or did not answer as Prometheus does."""


class QueryRejected(Exception):
    """Prometheus answered that the query is wrong (a syntax error, a bad function...)."""


@dataclass(frozen=True)
class Answer:
    """What an instant query returned."""

    samples: int
    """How many samples: an alert expression fires when there is at least one."""
    value: float | None
    """The first sample's value (None when there is none)."""
    at: dt.datetime | None
    """When Prometheus evaluated it (the first sample's time, else the time asked)."""


def cleaned(text: str) -> str:
    """Text from Prometheus (or from an error) made safe to print: one line, control
    characters shown as escapes, at most MAX_REASON characters."""
    text = visible(" ".join(str(text).split()), lines=False)
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


def check_url(url: str) -> str:
    """*url* if it can be a Prometheus server's address (http or https, a host); raises
    ValueError saying why not (the message never holds a password written in it)."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) address: {shown_url(url)!r}")
    return url.strip()


def shown_url(url: str) -> str:
    """*url* as it may be shown: without a user name or password written in it."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:
        return "(an address that cannot be read)"
    netloc = parts.netloc.rpartition("@")[2]
    return cleaned(urllib.parse.urlunsplit(parts._replace(netloc=netloc, query="")))


def _request(
    url: str, query: str, at: dt.datetime | None, token: str | None
) -> urllib.request.Request:
    params = {"query": query}
    if at is not None:
        params["time"] = f"{at.timestamp():.3f}"
    import urllib.request

    endpoint = url.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode(params)
    request = urllib.request.Request(endpoint, headers={"Accept": "application/json"})
    if token:
        # Unredirected: a redirect to another host never carries it.
        request.add_unredirected_header("Authorization", f"Bearer {token}")
    return request


@functools.cache
def _opener() -> urllib.request.OpenerDirector:
    """No proxy from the environment: the token would go through it, and loopback
    addresses would be sent to it."""
    import urllib.request

    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def instant_query(
    url: str,
    query: str,
    *,
    at: dt.datetime | None = None,
    token: str | None = None,
    timeout: float = TIMEOUT,
) -> Answer:
    """Evaluate *query* at *at* (now, when None) on the Prometheus at *url*.

    Returns:
        the number of samples, the first one's value and when it was measured.

    Raises:
        Unreachable: no connection, no answer within *timeout*, or not Prometheus' JSON.
        QueryRejected: Prometheus refused the query; the message is its error, cleaned.
    """
    import urllib.error

    request = _request(url, query, at, token)
    try:
        with _opener().open(request, timeout=timeout) as response:
            body = _read(response, time.monotonic() + 2 * timeout)
    except urllib.error.HTTPError as exc:
        body = _error_body(exc)
        _raise_for(exc.code, body)
        raise Unreachable(f"HTTP {exc.code}") from None
    except TimeoutError:
        raise Unreachable(f"no answer within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise Unreachable(f"no answer within {timeout:g} s") from None
        text = reason.strerror if isinstance(reason, OSError) and reason.strerror else reason
        raise Unreachable(cleaned(str(text)).lower()) from None
    except (OSError, ValueError) as exc:  # a reset connection, a bad status line
        raise Unreachable(cleaned(type(exc).__name__)) from None
    if len(body) > MAX_ANSWER:
        raise Unreachable("the answer is too large")
    return _answer(_decoded(body), at)


def _read(response: IO[bytes], deadline: float) -> bytes:
    """The answer's body, up to MAX_ANSWER + 1 bytes; a server that trickles it byte by
    byte is given up on at *deadline* (each read has its own timeout besides)."""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_ANSWER:
        chunk = response.read1(64 * 1024) if hasattr(response, "read1") else response.read()
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError
    return b"".join(chunks)


def _error_body(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read(MAX_ANSWER)
    except OSError:
        return b""


def _raise_for(code: int, body: bytes) -> None:
    """Prometheus answers a bad query with 400 (or 422 when it fails while running) and
    its JSON error; anything else is a server that could not answer."""
    if code in (400, 422):
        try:
            data = json.loads(body)
        except ValueError:
            return
        if isinstance(data, dict) and data.get("status") == "error":
            raise QueryRejected(cleaned(str(data.get("error") or data.get("errorType"))))
    if code in (401, 403):
        raise Unreachable(f"HTTP {code}: refused (is ROLLBACK_TUI_PROMETHEUS_TOKEN right?)")


def _decoded(body: bytes) -> dict[str, object]:
    try:
        data = json.loads(body)
    except ValueError:
        raise Unreachable("not a Prometheus answer (not JSON)") from None
    if not isinstance(data, dict) or "status" not in data:
        raise Unreachable("not a Prometheus answer")
    if data["status"] != "success":
        raise QueryRejected(cleaned(str(data.get("error") or data.get("errorType"))))
    return data


def _answer(data: dict[str, object], at: dt.datetime | None) -> Answer:
    result = data.get("data")
    if not isinstance(result, dict):
        raise Unreachable("not a Prometheus answer (no data)")
    kind, samples = result.get("resultType"), result.get("result")
    if kind == "scalar":
        samples = [{"value": samples}]
    elif kind != "vector":
        raise QueryRejected(f"returns a {cleaned(str(kind))}, not an instant vector")
    if not isinstance(samples, list):
        raise Unreachable("not a Prometheus answer (no result)")
    if not samples:
        return Answer(0, None, at)
    first = samples[0].get("value") if isinstance(samples[0], dict) else None
    if not (isinstance(first, list) and len(first) == 2):
        raise Unreachable("not a Prometheus answer (a sample without a value)")
    try:
        when = dt.datetime.fromtimestamp(float(first[0]), dt.UTC).replace(microsecond=0)
        value = float(first[1])
    except (TypeError, ValueError, OverflowError, OSError):
        raise Unreachable("not a Prometheus answer (a sample that is not a number)") from None
    return Answer(len(samples), value, when)
