"""A status update posted to a Slack-compatible incoming webhook: `{"text": ...}` as JSON,
which Slack, Mattermost and Rocket.Chat accept. The address is a credential: it comes from
`$ROLLBACK_TUI_WEBHOOK_URL` or the user's config (`[notify] webhook_url`), never from the
plan, and no message here ever holds it (a failure says what happened, not where)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import urllib.error
import urllib.request

WEBHOOK_ENV = "ROLLBACK_TUI_WEBHOOK_URL"
TIMEOUT = 5.0
"""Seconds to connect and to wait for the answer: a webhook that hangs never holds a
sender for long."""


class NotSent(Exception):
    """The update was not accepted; the message says why, without the address."""


class NoWebhook(Exception):
    """No webhook is configured, or the configured one cannot be used."""


def webhook_url() -> str:
    """The webhook's address: the environment's, else the user config's. Raises NoWebhook
    (the message never holds the address)."""
    url = os.environ.get(WEBHOOK_ENV, "").strip()
    if not url:
        from rollback_tui import user_config

        try:
            config = user_config.load_config()
        except user_config.ConfigError as exc:
            raise NoWebhook(str(exc)) from None
        url = (config.notify.webhook_url or "").strip() if config.notify else ""
    if not url:
        raise NoWebhook(
            f"no webhook: set {WEBHOOK_ENV}, or webhook_url under [notify] in {_config_path()}"
        )
    if not url.lower().startswith(("https://", "http://")):
        raise NoWebhook("the webhook is not an http:// or https:// address")
    return url


def _config_path() -> str:
    from rollback_tui.user_config import config_path

    return str(config_path())


def post(url: str, text: str, timeout: float = TIMEOUT) -> None:
    """Post *text* to the webhook at *url*. Raises NotSent with the reason: refused,
    unreachable, timed out, or the server's HTTP status."""
    body = json.dumps({"text": text}).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "rollback-tui"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read(4096)
    except urllib.error.HTTPError as exc:
        raise NotSent(f"the webhook answered HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise NotSent(_reason(exc.reason, timeout)) from None
    except TimeoutError:
        raise NotSent(f"no answer within {timeout:g} s") from None
    except (http.client.HTTPException, OSError) as exc:
        raise NotSent(_reason(exc, timeout)) from None
    except ValueError:  # not a URL urllib can use; its message would hold the address
        raise NotSent("the webhook is not a usable address") from None


def _reason(reason: object, timeout: float) -> str:
    """What went wrong, in words that never hold the address."""
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, socket.gaierror):
        return "the webhook's host name was not found"
    if isinstance(reason, ConnectionResetError | http.client.RemoteDisconnected):
        return "the connection was closed before an answer"
    if isinstance(reason, OSError) and reason.strerror:
        return f"cannot reach the webhook: {reason.strerror}"
    return f"cannot reach the webhook ({type(reason).__name__})"
