"""A plan as Markdown (this package's face: render_markdown, render_sections, ...),
as plain text, and as a run record; the Markdown syntax and shell quoting they
share. Pure: no files, no UI."""

from rollback_tui.render.markdown import (
    CONTAINMENT_TITLE,
    OWN_HEADINGS,
    RESTORE_TITLE,
    DrawnComponents,
    MarkdownData,
    Section,
    component_sections,
    markdown_data,
    render_markdown,
    render_markdown_data,
    render_sections,
    shown_in_components,
    substitute,
    substitute_command,
    unset_variable,
)

__all__ = [
    "CONTAINMENT_TITLE",
    "OWN_HEADINGS",
    "RESTORE_TITLE",
    "DrawnComponents",
    "MarkdownData",
    "Section",
    "component_sections",
    "markdown_data",
    "render_markdown",
    "render_markdown_data",
    "render_sections",
    "shown_in_components",
    "substitute",
    "substitute_command",
    "unset_variable",
]
