"""The one place that reads Textual's private API, where Textual has no public way.

Each name here is pinned by tests/ui/test_textual_internals.py, which fails when a Textual
release moves or changes it (textual is pinned exactly, so that happens only on an upgrade).

- ``textual._context.active_message_pump``: the message pump whose handler is running.
  A key typed ahead is finished once the handler that stopped it returns; only the pump
  running that handler can queue a callback behind it (``ui/keys/order.py``). Textual sets
  it around every handler and exposes no public getter.
"""

from __future__ import annotations

from textual._context import active_message_pump
from textual.message_pump import MessagePump


def current_message_pump() -> MessagePump | None:
    """The widget, screen or app whose message handler is running now, if any."""
    try:
        return active_message_pump.get()
    except LookupError:
        return None
