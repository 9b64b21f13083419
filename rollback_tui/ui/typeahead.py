"""Keys typed ahead act in the order typed, each on the widget the keys before it focused.

Textual routes a key as soon as the app reads it: the app posts it to the queue of the
widget focused *at that moment*. A key's effects come later: Tab runs its binding once the
key has bubbled back up to the app, and ``Widget.focus()``, a step switch or a new table
row take effect on later turns of the app's queue. So in a burst (a laggy SSH link, a fast
typist) every key after a Tab was already queued on the old field: "Fast title", Tab,
"incident" all landed in Title.

``TypeAheadKeys`` holds the keys (and pastes) the app reads in its own queue and routes
the next one only once the previous one is finished: it has been handled (stopped by a
widget, or through the app's bindings) and the focus changes, mounts and messages that
it caused have been applied. One key at a time costs nothing when keys come one by one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from textual import events
from textual.message_pump import MessagePump

from rollback_tui.ui.textual_internals import current_message_pump

SETTLE_ROUNDS = 12
"""At most this many rounds of waiting for the widgets involved to empty their queues."""

FOCUS_ORDER_KEYS = frozenset({"tab", "shift+tab"})
"""Keys that move the focus in the screen's focus order, which follows the layout."""

KEY_TIMEOUT = 2.0
"""A key whose end is never seen (its widget removed under it) releases the next after this."""


class _Finishing(Protocol):
    """A tracked event as ``finish`` sees it: the subclasses hold ``_done`` in their slots."""

    _done: Callable[[], None] | None


class _Tracked:
    """A key or paste that says when it is finished, wherever it ends."""

    __slots__ = ()
    _done: Callable[[], None] | None

    def stop(self, stop: bool = True) -> Any:
        result = super().stop(stop)  # type: ignore[misc]
        if stop:
            self.finish(later=True)
        return result

    def finish(self: _Finishing, *, later: bool = False) -> None:
        """The event will go no further: once its current handler is done, it is done."""
        done, self._done = self._done, None
        if done is None:
            return
        if later:
            # The pump handling the event finishes it first, then runs this.
            pump = current_message_pump()
            if pump is not None and pump.call_later(done):
                return
        done()


class TrackedKey(_Tracked, events.Key):
    __slots__ = ["_done"]

    def __init__(self, key: str, character: str | None, done: Callable[[], None]) -> None:
        super().__init__(key, character)
        self._done = done


class TrackedPaste(_Tracked, events.Paste):
    __slots__ = ["_done"]

    def __init__(self, text: str, done: Callable[[], None]) -> None:
        super().__init__(text)
        self._done = done


# Message subclasses take their handler's name from the class: these are still a Key and a
# Paste to every widget.
TrackedKey.handler_name = events.Key.handler_name
TrackedPaste.handler_name = events.Paste.handler_name


def _idle(pump: MessagePump) -> bool:
    return pump.message_queue_size == 0


class TypeAheadKeys:
    """App mixin: routes keys and pastes one at a time, each after the last one settled."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._typed: deque[events.Key | events.Paste] = deque()
        self._key_task: asyncio.Task[None] | None = None

    @property
    def keys_in_flight(self) -> int:
        """Keys read and not yet finished (0 once the app has caught up)."""
        return len(self._typed) + (self._key_task is not None)

    async def on_event(self, event: events.Event) -> None:
        if (
            isinstance(event, (events.Key, events.Paste))
            and not event.is_forwarded
            and not isinstance(event, _Tracked)
        ):
            self._typed.append(event)
            if self._key_task is None:
                await self._route_next()
            return
        await super().on_event(event)  # type: ignore[misc]
        if isinstance(event, _Tracked):
            event.finish()  # it came back up to the app, and the app has handled it

    async def _route_next(self) -> None:
        """Route the oldest key read (in the app's own task, as Textual routes keys)."""
        if not self._typed:
            self._key_task = None
            return
        event = self._typed.popleft()
        finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def done() -> None:
            if not finished.done():
                finished.set_result(None)

        tracked: events.Key | events.Paste
        if isinstance(event, events.Key):
            tracked = TrackedKey(event.key, event.character, done)
        else:
            tracked = TrackedPaste(event.text, done)
        tracked.time = event.time
        tracked.set_sender(self)  # type: ignore[arg-type]  # the app, as the driver sets it
        if isinstance(event, events.Key) and event.key in FOCUS_ORDER_KEYS:
            await self._laid_out()
        self._key_task = asyncio.create_task(self._after(finished))
        await super().on_event(tracked)  # type: ignore[misc]
        if not tracked.is_forwarded:
            done()  # a priority binding took it (or nothing was there to take it)

    async def _laid_out(self) -> None:
        """Wait until the screen has been laid out. Textual orders the focus by where the
        widgets are: a field mounted by the key before (ctrl+o adds a row) has no place
        until the next layout, and a Tab routed sooner would skip past it."""
        try:
            screen = self.screen  # type: ignore[attr-defined]
        except Exception:  # no screen (the app is closing)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if screen.call_after_refresh(future.set_result, None):
            await asyncio.wait([future], timeout=KEY_TIMEOUT)

    async def _after(self, finished: asyncio.Future[None]) -> None:
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(finished, KEY_TIMEOUT)
            await self._settle()
        finally:
            # The next key is routed from the app's own queue, after what is already there.
            if not self.call_later(self._route_next):  # type: ignore[attr-defined]
                self._key_task = None  # the app is closing

    async def _settle(self) -> None:
        """Wait until the app and the widgets around the focus have handled their queues.

        A key's effects travel as messages: ``focus()`` is a callback on the app's queue,
        Enter in a drop-down list posts to the list, which posts to its Select, which
        focuses itself. Each round waits for the queues that hold something, until a round
        finds them all empty.
        """
        loop = asyncio.get_running_loop()
        for _ in range(SETTLE_ROUNDS):
            pumps: list[MessagePump] = [self]  # type: ignore[list-item]
            try:
                screen = self.screen  # type: ignore[attr-defined]
            except Exception:  # no screen (the app is closing)
                return
            pumps.append(screen)
            focused = screen.focused
            if focused is not None:
                pumps.extend(focused.ancestors_with_self)
            waits: list[asyncio.Future[None]] = []
            for pump in dict.fromkeys(pumps):
                if _idle(pump):
                    continue
                future: asyncio.Future[None] = loop.create_future()
                if pump.call_later(future.set_result, None):
                    waits.append(future)
            if not waits:
                return
            await asyncio.wait(waits, timeout=KEY_TIMEOUT)
