"""The live Markdown preview: one Markdown widget per rendered section.

Textual's ``Markdown.update()`` re-mounts every block of the document, which takes
seconds for a large plan. The preview keeps one widget per section and updates only the
sections whose text changed, so a keystroke costs one small section.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Markdown

from rollback_tui.render import Section


class SectionView(Markdown):
    """One section of the plan's Markdown."""

    DEFAULT_CSS = """
    SectionView { margin: 0; padding: 0 1; }
    """


class Preview(VerticalScroll):
    """The plan's Markdown, redrawn one changed section at a time."""

    DEFAULT_CSS = """
    Preview { background: $surface; }
    """

    def __init__(self, *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=classes, can_focus=True)
        self._views: dict[str, SectionView] = {}
        self._shown: dict[str, str] = {}
        self._wanted: list[Section] = []
        self._pending = False
        self.updated: list[str] = []
        """The keys of the sections redrawn, in order (tests and benchmarks read it)."""

    def show(self, sections: list[Section]) -> None:
        """Make the preview show *sections*; coalesces calls made in one go."""
        self._wanted = sections
        if not self._pending:
            self._pending = True
            self.call_later(self._apply)

    def _apply(self) -> None:
        self._pending = False
        sections = self._wanted
        wanted = {s.key for s in sections}
        for key in [k for k in self._views if k not in wanted]:
            self._views.pop(key).remove()
            self._shown.pop(key, None)
        previous: Widget | None = None
        for section in sections:
            view = self._views.get(section.key)
            if view is None:
                view = SectionView(section.markdown, open_links=False)
                self._views[section.key] = view
                if previous is not None:
                    self.mount(view, after=previous)
                elif self.children:
                    self.mount(view, before=0)
                else:
                    self.mount(view)
                self.updated.append(section.key)
            elif self._shown.get(section.key) != section.markdown:
                view.update(section.markdown)
                self.updated.append(section.key)
            self._shown[section.key] = section.markdown
            previous = view

    def scroll_to_section(self, *keys: str) -> None:
        """Bring the first of *keys* that the preview shows to the top."""
        for key in keys:
            view = self._views.get(key)
            if view is not None:
                self.scroll_to_widget(view, top=True, animate=False)
                return

    def text_of(self, key: str) -> str | None:
        """The Markdown the preview shows for a section (None if it has no such section)."""
        return self._shown.get(key)

    @property
    def keys(self) -> list[str]:
        return [key for key in self._views]
