"""The live Markdown preview: one rendered block of lines per plan section.

Textual's ``Markdown.update()`` re-mounts every block of the document, and every mounted
block makes each later layout pass longer: a keystroke in a 50-component plan cost a
reflow over more than a thousand widgets. So the preview is a single widget that draws
its own lines (the Line API). It keeps each section's rendered lines, keyed by the
section, and re-renders only the sections whose text changed; the rest is a list splice.

What is on screen is rendered at once; the sections below it follow a few milliseconds at a
time, between screen updates, so that a large plan's preview appears as soon as a small
one's and keys typed meanwhile are not held up. What the first rendering needs (the
Markdown parser, the syntax highlighter) is loaded in a thread once the first frame is up.
"""

from __future__ import annotations

import io
import threading
import time
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.events import Resize
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from rollback_tui.render import Section

CODE_THEME = "ansi_dark"
"""Pygments theme for commands: ANSI colours follow the terminal's own palette."""

CHUNK = 0.008
"""Seconds of rendering per screen update for the sections below the visible ones."""

IN_PLACE_MOST = 8
"""Changed sections redrawn in place at most; more are laid out by the progressive way."""

TYPING = 0.15
"""Seconds after an edit during which the sections below the visible ones wait: keys typed
in a burst are drawn first, and the rest of a large preview follows in the pauses."""

GROW_EVERY = 0.25
"""Seconds at least between two growths of the scrolling height while the sections below
the visible ones are drawn: each growth lays the whole screen out again."""

_WARM_UP_SAMPLE = """\
# Heading

| A | B |
|---|---|
| `x` | <https://example.com> |

- [ ] a step **bold**

  ```sh
  echo "$VERSION"
  ```

```text
plain
```
"""
_warmed = threading.Event()


def warm_up() -> None:
    """Load and exercise what the first preview needs (the Markdown parser, the highlighter
    and its shell lexer), on a console of its own: it runs in a thread, once a process."""
    if _warmed.is_set():
        return
    _warmed.set()
    try:
        from rich.console import Console
        from rich.markdown import Markdown as RichMarkdown

        console = Console(
            file=io.StringIO(), width=80, color_system="truecolor", force_terminal=True
        )
        markdown = RichMarkdown(_WARM_UP_SAMPLE, code_theme=CODE_THEME, hyperlinks=False)
        unwrap_autolinks(markdown.parsed)
        console.render_lines(markdown, console.options)
    except Exception:  # only a head start: the first preview loads what it needs itself
        return


def unwrap_autolinks(tokens: list[Any]) -> None:
    """Turn each autolink (``<https://…>``) in parsed Markdown into its plain text.

    Without hyperlinks Rich writes a link as "text (address)", and an autolink's text is
    its address: the incident link would be shown twice.
    """
    for token in tokens:
        if token.children:
            token.children = [
                child
                for child in token.children
                if not (child.markup == "autolink" and child.type in ("link_open", "link_close"))
            ]


class Preview(ScrollView, can_focus=True):
    """The plan's Markdown, redrawn one changed section at a time."""

    DEFAULT_CSS = """
    Preview { background: $surface; padding: 0 1; overflow-y: scroll; }
    """

    def __init__(
        self, *, id: str | None = None, classes: str = "", progressive: bool = True
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._progressive = progressive
        """Render what is below the visible lines later (False: all at once, for a
        preview as tall as its text, whose visible lines its container decides)."""
        self._continuing = False
        """The sections below the visible ones are to be rendered after the next update."""
        self._through: str | None = None
        """A section to render at once, with a screenful below it (to scroll to it)."""
        self._wanted: list[Section] = []
        self._texts: dict[str, str] = {}
        self._rendered: dict[str, list[Strip]] = {}
        self._lines: list[Strip] = []
        self._starts: dict[str, int] = {}
        self._width = 0
        self._pending = False
        """Sections were given while the preview had no width: draw them once it has one."""
        self.updated: list[str] = []
        """The keys of the sections re-rendered, in order (tests and benchmarks read it)."""
        self._shown_at = 0.0
        """When `show` was last called (an edit): the sections below wait a little."""
        self._grown_at = 0.0
        """When the scrolling height last grew while sections below were still to come."""

    # -- what to show ------------------------------------------------------------------

    def show(self, sections: list[Section]) -> None:
        """Make the preview show *sections* (re-rendering only the changed ones) now.

        Rendering at once rather than on a later turn of the event loop takes a queue hop
        off every keystroke; a changed section costs a few milliseconds.
        """
        previous = self._wanted
        self._wanted = sections
        self._shown_at = time.perf_counter()
        if not self._replace_in_place(previous):
            self._apply()

    def _replace_in_place(self, previous: list[Section]) -> bool:
        """Redraw the changed sections where they are, when the same sections as before
        are all drawn and each changed one keeps its number of lines (a keystroke, most
        often); False when the whole list must be laid out again.

        A plan of 1,000 components is some 20,000 lines in a thousand sections: laying
        them all out again is most of a keystroke's cost, and a keystroke changes one."""
        width = self.scrollable_content_region.width
        if (
            self._pending
            or width != self._width
            or len(previous) != len(self._wanted)
            or not self._starts
            or len(self._starts) != len(self._wanted)
        ):
            return False
        changed: list[Section] = []
        for before, section in zip(previous, self._wanted, strict=True):
            if before.key != section.key or section.key not in self._starts:
                return False
            if self._texts.get(section.key) != section.markdown:
                changed.append(section)
                if len(changed) > IN_PLACE_MOST:
                    return False  # many: the visible ones first, the rest later (_apply)
        scroll_y = self.scroll_offset.y
        regions: list[Region] = []
        for section in changed:
            key = section.key
            strips = self._render_section(section.markdown, width)
            moved = len(strips) != len(self._rendered[key])
            self._rendered[key] = strips
            self._texts[key] = section.markdown
            self.updated.append(key)
            if moved:
                return False  # drawn: _apply lays the sections out again
            start = self._starts[key]
            self._lines[start : start + len(strips)] = strips
            regions.append(Region(0, start - scroll_y, self.size.width, len(strips)))
        for region in regions:
            self.refresh(region)
        return True

    @property
    def complete(self) -> bool:
        """Every section given is drawn, with its latest text."""
        return not self._pending and all(
            self._texts.get(s.key) == s.markdown and s.key in self._rendered for s in self._wanted
        )

    def _apply(self, deadline: float | None = None) -> None:
        """Lay out the sections; render the changed ones that are on screen (and, until
        *deadline*, those below); the rest is rendered after the next screen update."""
        width = self.scrollable_content_region.width
        if width <= 0:
            self._pending = True
            return  # not laid out yet: on_resize draws
        self._pending = False
        if width != self._width:
            self._width = width
            self._rendered.clear()
        lines: list[Strip] = []
        starts: dict[str, int] = {}
        changed: list[str] = []
        needed = self.scroll_offset.y + self.size.height
        """Lines rendered at once: the visible ones."""
        later = False
        # Drawn before under another key: a section moved (a component added above it).
        drawn = {t: self._rendered[k] for k, t in self._texts.items() if k in self._rendered}
        for section in self._wanted:
            key, text = section.key, section.markdown
            if (self._texts.get(key) != text or key not in self._rendered) and text in drawn:
                self._rendered[key] = drawn[text]
                self._texts[key] = text
                changed.append(key)
            if self._texts.get(key) != text or key not in self._rendered:
                if (
                    not self._progressive
                    or len(lines) < needed
                    or self._through is not None
                    or (deadline is not None and time.perf_counter() < deadline)
                ):
                    self._rendered[key] = self._render_section(text, width)
                    self._texts[key] = text
                    self.updated.append(key)
                    changed.append(key)
                else:
                    later = True
                    if key not in self._rendered:
                        break  # nothing to show for it yet: the sections after it wait too
            if lines:
                lines.append(Strip.blank(width))
            starts[key] = len(lines)
            lines.extend(self._rendered[key])
            if key == self._through:
                self._through = None
                needed = starts[key] + self.size.height
        wanted = {s.key for s in self._wanted}
        for key in [k for k in self._texts if k not in wanted]:
            del self._texts[key]
            self._rendered.pop(key, None)
        self._lay_out(lines, starts, changed, later)
        if later and not self._continuing:
            self._continuing = True
            self.call_after_refresh(self._continue)

    def _lay_out(
        self, lines: list[Strip], starts: dict[str, int], changed: list[str], later: bool
    ) -> None:
        """Show *lines* and repaint what changed on screen (see `_apply`)."""
        same_layout = starts == self._starts and len(lines) == len(self._lines)
        appended = not same_layout and self._appended(starts, changed, len(lines))
        drawn = len(self._lines)
        self._lines = lines
        self._starts = starts
        self._grow(Size(self._width, len(lines)), appended and later)
        scroll_y = self.scroll_offset.y
        if same_layout:
            # Nothing moved: repaint only the changed sections' lines (a full repaint of a
            # wide preview costs more than the rest of a keystroke).
            for key in changed:
                top = starts[key] - scroll_y
                self.refresh(Region(0, top, self.size.width, len(self._rendered[key])))
        elif appended:
            # Sections added below the others: only their lines, if any is on screen.
            if drawn - scroll_y < self.size.height:
                self.refresh(Region(0, drawn - scroll_y, self.size.width, len(lines) - drawn))
        else:
            self.refresh()

    def _appended(self, starts: dict[str, int], changed: list[str], count: int) -> bool:
        """Whether the new layout only adds sections after the ones laid out before, which
        stay where they were, unchanged."""
        return (
            count >= len(self._lines)
            and all(starts.get(key) == at for key, at in self._starts.items())
            and not any(key in self._starts for key in changed)
        )

    def _grow(self, size: Size, appending: bool) -> None:
        """Set the scrolling size; while sections are appended below and more are to come,
        at most every GROW_EVERY seconds (the last one always lands: `appending` is False)."""
        now = time.perf_counter()
        if size == self.virtual_size or (appending and now - self._grown_at < GROW_EVERY):
            return
        self._grown_at = now
        self.virtual_size = size

    def _continue(self) -> None:
        if not self.is_attached:
            self._continuing = False
            return
        waited = time.perf_counter() - self._shown_at
        if waited < TYPING:  # keys are being typed: they go first
            self.set_timer(TYPING - waited, self._continue)
            return
        self._continuing = False
        self._apply(deadline=time.perf_counter() + CHUNK)

    def on_mount(self) -> None:
        if not _warmed.is_set():
            self.call_after_refresh(self._warm_up)

    def _warm_up(self) -> None:
        threading.Thread(target=warm_up, name="preview-warm-up", daemon=True).start()

    def _render_section(self, text: str, width: int) -> list[Strip]:
        # Imported when the preview is first drawn: Markdown parsing takes a noticeable
        # part of the start-up, and at 80 columns the first screen has no preview.
        from rich.markdown import Markdown as RichMarkdown

        # hyperlinks=False: no OSC 8 links, so nothing in the preview can open a browser.
        markdown = RichMarkdown(text, code_theme=CODE_THEME, hyperlinks=False)
        unwrap_autolinks(markdown.parsed)
        console = self.app.console
        options = console.options.update(width=width, height=None, highlight=False)
        return [
            Strip(line, width)
            for line in console.render_lines(markdown, options, pad=True, new_lines=False)
        ]

    def on_resize(self, event: Resize) -> None:
        if self._pending or self.scrollable_content_region.width != self._width:
            self._apply()

    # -- drawing -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._lines):
            return Strip([Segment(" " * width, base)], width)
        strip = self._lines[index].crop(scroll_x, scroll_x + width)
        return strip.apply_style(Style(bgcolor=base.bgcolor)).extend_cell_length(width, base)

    # -- queries -----------------------------------------------------------------------

    def scroll_to_section(self, *keys: str) -> None:
        """Bring the first of *keys* that the preview shows to the top (rendering it, and
        what is above it, at once if it was still to come)."""
        wanted = [s.key for s in self._wanted]
        for key in keys:
            if key not in self._starts and key in wanted:
                self._through = key
                self._apply()
                self._through = None
            if key in self._starts:
                self.scroll_to(y=self._starts[key], animate=False)
                return

    def text_of(self, key: str) -> str | None:
        """The Markdown the preview shows for a section (None if it has no such section)."""
        return self._texts.get(key)

    @property
    def keys(self) -> list[str]:
        return list(self._starts)

    @property
    def plain_text(self) -> str:
        """What the preview shows, as plain text (for tests)."""
        return "\n".join(strip.text.rstrip() for strip in self._lines)
