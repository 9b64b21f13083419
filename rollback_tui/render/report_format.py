"""A small document (headings, paragraphs, lists, task lists, tables) written as Markdown
or as HTML: the postmortem is built once (render/postmortem.py) and written either way.
Cells and items hold the user's text as it is; each writer escapes it (the Markdown with
the renderer's escaping, which stays clean under markdownlint; the HTML with html.escape).
Pure."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from rollback_tui.plan.text import visible
from rollback_tui.render.markdown_syntax import code_span, heading, inline


@dataclass(frozen=True)
class Code:
    """Text shown as code (a command)."""

    text: str


Piece = str | Code
"""User text, or code."""
Cell = Piece | tuple[Piece, ...]
"""One cell or item: a piece, or pieces side by side."""


@dataclass(frozen=True)
class Paragraph:
    text: Cell


@dataclass(frozen=True)
class Bullets:
    items: list[Cell]


@dataclass(frozen=True)
class Tasks:
    """A task list: (done, text)."""

    items: list[tuple[bool, Cell]]


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[Cell]]


Block = Paragraph | Bullets | Tasks | Table


@dataclass
class Part:
    """A section: its heading and blocks."""

    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str
    parts: list[Part] = field(default_factory=list)


# -- Markdown --------------------------------------------------------------------------------


def _md(cell: Cell, *, table: bool = False) -> str:
    pieces = cell if isinstance(cell, tuple) else (cell,)
    out = []
    for piece in pieces:
        if isinstance(piece, Code):
            out.append(code_span(piece.text, table=table) if piece.text.strip() else "")
        else:
            out.append(inline(piece, table=table))
    return " ".join(part for part in out if part) or ("-" if table else "")


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [_md(block.text) or "-"]
    if isinstance(block, Bullets):
        return [f"- {_md(item) or '-'}" for item in block.items]
    if isinstance(block, Tasks):
        return [f"- [{'x' if done else ' '}] {_md(item) or '-'}" for done, item in block.items]
    header = "| " + " | ".join(inline(h, table=True) for h in block.header) + " |"
    rule = "| " + " | ".join("---" for _ in block.header) + " |"
    rows = ["| " + " | ".join(_md(c, table=True) for c in row) + " |" for row in block.rows]
    return [header, rule, *rows]


def to_markdown(doc: Document) -> str:
    """*doc* as Markdown (GFM: tables and task lists)."""
    lines = [f"# {heading(doc.title)}"]
    for part in doc.parts:
        lines += ["", f"## {heading(part.title)}"]
        for block in part.blocks:
            lines += ["", *_md_block(block)]
    return "\n".join(lines) + "\n"


# -- HTML ------------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light dark; }
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem;
  border-bottom: 1px solid #8884; overflow-wrap: anywhere; }
code { font-family: ui-monospace, monospace; font-size: .9em; background: #8882;
  padding: 0 .2em; border-radius: .2em; overflow-wrap: anywhere; }
ul.tasks { list-style: none; padding-left: .5rem; }
h1, h2 { overflow-wrap: anywhere; }
@media print { body { max-width: none; } tr, li { break-inside: avoid; } }
"""


def _esc(text: str) -> str:
    return html.escape(visible(text, lines=True), quote=True)


def _html(cell: Cell) -> str:
    pieces = cell if isinstance(cell, tuple) else (cell,)
    out = []
    for piece in pieces:
        if isinstance(piece, Code):
            out.append(f"<code>{_esc(piece.text)}</code>" if piece.text.strip() else "")
        else:
            out.append(_esc(piece).replace("\n", "<br>"))
    return " ".join(part for part in out if part)


def _html_block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_html(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_html(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Tasks):
        items = "".join(
            f"<li>{'☑' if done else '☐'} {_html(item)}</li>" for done, item in block.items
        )
        return f'<ul class="tasks">{items}</ul>'
    head = "".join(f"<th>{_esc(h)}</th>" for h in block.header)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_html(c)}</td>" for c in row) + "</tr>" for row in block.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def to_html(doc: Document) -> str:
    """*doc* as one self-contained HTML page (inline CSS, no script, nothing fetched)."""
    body = [f"<h1>{_esc(doc.title)}</h1>"]
    for part in doc.parts:
        body.append(f"<h2>{_esc(part.title)}</h2>")
        body += [_html_block(block) for block in part.blocks]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_esc(doc.title)}</title><style>{_CSS}</style></head>",
            "<body>",
            *body,
            "</body></html>",
            "",
        ]
    )
