"""Keys typed ahead act in the order typed, each on the widget the keys before it focused.

Textual routes a key as soon as the app reads it: the app posts it to the queue of the
widget focused *at that moment*. A key's effects come later: Tab runs its binding once the
key has bubbled back up to the app, and ``Widget.focus()``, a step switch or a new table
row take effect on later turns of the app's queue. So in a burst (a laggy SSH link, a fast
typist) every key after a Tab was already queued on the old field: "Fast title", Tab,
"incident" all landed in Title.

`KeyOrder`, the one owner of key order, holds the keys (and pastes) the app reads and
routes the next one only once the previous one is finished: it has been handled (stopped
by a widget, or through the app's bindings) and the focus changes, mounts and messages
that it caused have been applied. One key at a time costs nothing when keys come one by
one. It also asks the questions whose answer the keys after it must wait for (`ask`):
keys typed ahead never answer a dialog that was not on screen when they were typed.

The parts: the app hands every event to `KeyOrder.on_event`; a dialog with one line to
type implements `KeyTaker` (typed_ahead.py); a widget that acts on its own keys as they
arrive reads them from `registry.OwnKeys`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from textual import events
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen

from rollback_tui.ui.keys.typed_ahead import KeyTaker, TypedKeys
from rollback_tui.ui.textual_internals import current_message_pump

SETTLE_ROUNDS = 12
"""At most this many rounds of waiting for the widgets involved to empty their queues."""

FOCUS_ORDER_KEYS = frozenset({"tab", "shift+tab"})
"""Keys that move the focus in the screen's focus order, which follows the layout."""

KEY_TIMEOUT = 2.0
"""A key whose end is never seen (its widget removed under it) releases the next after this."""

Dispatch = Callable[[events.Event], Awaitable[None]]
"""Textual's own handling of an event by the app (`App.on_event`)."""
AnswerT = TypeVar("AnswerT")


class TrackedKey(events.Key):
    """A key that says when it is finished, wherever it ends."""

    __slots__ = ["_done"]

    def __init__(self, key: str, character: str | None, done: Callable[[], None]) -> None:
        super().__init__(key, character)
        self._done: Callable[[], None] | None = done

    def stop(self, stop: bool = True) -> Message:
        result = super().stop(stop)
        if stop:
            finish(self, later=True)
        return result


class TrackedPaste(events.Paste):
    """A paste that says when it is finished, wherever it ends."""

    __slots__ = ["_done"]

    def __init__(self, text: str, done: Callable[[], None]) -> None:
        super().__init__(text)
        self._done: Callable[[], None] | None = done

    def stop(self, stop: bool = True) -> Message:
        result = super().stop(stop)
        if stop:
            finish(self, later=True)
        return result


# Message subclasses take their handler's name from the class: these are still a Key and a
# Paste to every widget.
TrackedKey.handler_name = events.Key.handler_name
TrackedPaste.handler_name = events.Paste.handler_name


def finish(event: TrackedKey | TrackedPaste, *, later: bool = False) -> None:
    """The event will go no further: once its current handler is done, it is done."""
    done, event._done = event._done, None
    if done is None:
        return
    if later:
        # The pump handling the event finishes it first, then runs this.
        pump = current_message_pump()
        if pump is not None and pump.call_later(done):
            return
    done()


def _idle(pump: MessagePump) -> bool:
    return pump.message_queue_size == 0


class KeyOrder:
    """Routes *app*'s keys and pastes one at a time, each after the last one settled, and
    holds the keys typed while a dialog's answer is being recorded."""

    def __init__(self, app: App[Any], dispatch: Dispatch) -> None:
        self.app = app
        self._dispatch = dispatch
        self._typed: deque[events.Key | events.Paste] = deque()
        self._key_task: asyncio.Task[None] | None = None
        self._held: TypedKeys | None = None
        """Keys typed while a dialog's answer is being recorded, replayed once it is
        (None when no question is asked): a burst such as `s reason enter f reason enter`
        then acts on the rows in the order typed."""

    @property
    def keys_in_flight(self) -> int:
        """Keys read and not yet finished (0 once the app has caught up)."""
        return len(self._typed) + (self._key_task is not None)

    async def on_event(self, event: events.Event) -> None:
        """The app's every event: keys and pastes wait their turn; the rest go on."""
        if (
            isinstance(event, (events.Key, events.Paste))
            and not event.is_forwarded
            and not isinstance(event, (TrackedKey, TrackedPaste))
        ):
            self._typed.append(event)
            if self._key_task is None:
                await self._route_next()
            return
        await self._dispatch(event)
        if isinstance(event, (TrackedKey, TrackedPaste)):
            finish(event)  # it came back up to the app, and the app has handled it

    # -- questions -------------------------------------------------------------------------

    def ask(
        self, dialog: Screen[AnswerT], answered: Callable[[AnswerT | None], Awaitable[None]]
    ) -> None:
        """Show *dialog*; *answered* records its answer before any key typed after the
        answer acts (those keys wait, then act in the order typed)."""
        held: TypedKeys = []
        self._held = held
        if isinstance(dialog, KeyTaker):
            dialog.spill = held

        async def recorded(result: AnswerT | None) -> None:
            try:
                await answered(result)
            finally:
                keys, self._held = self._held or [], None
                for key, character in keys:
                    self.app.post_message(events.Key(key, character))

        self.app.push_screen(dialog, recorded)

    def redirect(self, event: events.Key, screen: Screen[Any]) -> bool:
        """A key that reached a widget of *screen*, typed after a key that opened a dialog
        (it goes to the dialog, in the order typed) or while a dialog's answer is being
        recorded (it waits for it). True if the key was taken here."""
        top = self.app.screen
        if top is not screen:
            event.prevent_default()
            event.stop()
            if isinstance(top, KeyTaker):
                top.take_key(event.key, event.character)
            else:
                again = events.Key(event.key, event.character)
                again.time = event.time  # when it was typed: a question drawn since ignores it
                self.app.post_message(again)
            return True
        if self._held is not None:
            event.prevent_default()
            event.stop()
            self._held.append((event.key, event.character))
            return True
        return False

    # -- routing ---------------------------------------------------------------------------

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

        tracked: TrackedKey | TrackedPaste
        if isinstance(event, events.Key):
            tracked = TrackedKey(event.key, event.character, done)
        else:
            tracked = TrackedPaste(event.text, done)
        tracked.time = event.time
        tracked.set_sender(self.app)  # the app, as the driver sets it
        if isinstance(event, events.Key) and event.key in FOCUS_ORDER_KEYS:
            await self._laid_out()
        self._key_task = asyncio.create_task(self._after(finished))
        await self._dispatch(tracked)
        if not tracked.is_forwarded:
            done()  # a priority binding took it (or nothing was there to take it)

    async def _laid_out(self) -> None:
        """Wait until the screen has been laid out. Textual orders the focus by where the
        widgets are: a field mounted by the key before (ctrl+o adds a row) has no place
        until the next layout, and a Tab routed sooner would skip past it."""
        try:
            screen = self.app.screen
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
            if not self.app.call_later(self._route_next):
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
            pumps: list[MessagePump] = [self.app]
            try:
                screen = self.app.screen
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
