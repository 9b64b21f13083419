"""The live Markdown preview: one rendered block of lines per plan section.

Textual's ``Markdown.update()`` re-mounts every block of the document, and every mounted
block makes each later layout pass longer: a keystroke in a 50-component plan cost a
reflow over more than a thousand widgets. So the preview is a single widget that draws
its own lines (the Line API). It keeps each section's rendered lines, keyed by the
section, and re-renders only the sections whose text changed; the rest is a list splice.
"""

from __future__ import annotations

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

    def __init__(self, *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
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

    # -- what to show ------------------------------------------------------------------

    def show(self, sections: list[Section]) -> None:
        """Make the preview show *sections* (re-rendering only the changed ones) now.

        Rendering at once rather than on a later turn of the event loop takes a queue hop
        off every keystroke; a changed section costs a few milliseconds.
        """
        self._wanted = sections
        self._apply()

    def _apply(self) -> None:
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
        for section in self._wanted:
            key, text = section.key, section.markdown
            if self._texts.get(key) != text or key not in self._rendered:
                self._rendered[key] = self._render_section(text, width)
                self._texts[key] = text
                self.updated.append(key)
                changed.append(key)
            if lines:
                lines.append(Strip.blank(width))
            starts[key] = len(lines)
            lines.extend(self._rendered[key])
        wanted = {s.key for s in self._wanted}
        for key in [k for k in self._texts if k not in wanted]:
            del self._texts[key]
            self._rendered.pop(key, None)
        same_layout = starts == self._starts and len(lines) == len(self._lines)
        self._lines = lines
        self._starts = starts
        self.virtual_size = Size(width, len(lines))
        if same_layout:
            # Nothing moved: repaint only the changed sections' lines (a full repaint of a
            # wide preview costs more than the rest of a keystroke).
            scroll_y = self.scroll_offset.y
            for key in changed:
                top = starts[key] - scroll_y
                self.refresh(Region(0, top, self.size.width, len(self._rendered[key])))
        else:
            self.refresh()

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
        """Bring the first of *keys* that the preview shows to the top."""
        for key in keys:
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
