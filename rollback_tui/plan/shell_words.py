"""Values put into shell commands so that none of them can ever be read as shell code.

A plan's commands are copied, pasted and run during an incident. The rule, which does not
depend on reading the command right:

- A value that is a plain name (letters, digits, ``-._/:@``) holds no character a shell
  treats specially anywhere, so it is written into the command as it is.
- Any other value is never written into the command. The command keeps its ``$NAME``, and
  the block starts with an assignment, ``NAME='…'``, the value in single quotes (each
  ``'`` written ``'\''``), on a line of its own, where nothing of the command can reach
  it. The shell then expands the variable: an expansion's text is never parsed again as
  shell syntax, whatever quotes surround it.
- Around a ``$NAME`` left in the command, quotes are added where the command seems to
  need them to keep the value one word (``"$NAME"`` where it stands bare, ``'"$NAME"'``
  inside single quotes). Reading the command wrong can only misplace those quotes, which
  changes how the expansion is split, never whether the value runs: the quotes come in
  balanced pairs around an expansion.
- bash does read a variable's value as code in a few places: an arithmetic expression
  (``$(( ))``, ``(( ))``, ``[[ -eq ]]``, an array index, ``let``, ``declare -i``), an
  indirect expansion (``${!NAME}``), and commands that run their argument as a script
  (``eval``, ``sh -c``, ``ssh``, ``su -c``). A command with any of those does not get a
  value that is not a plain name at all: the variable is left unset, and the block says
  so in a comment.

Pure: no I/O.
"""

from __future__ import annotations

import functools
import re

PLAIN_NAME = re.compile(r"[\w./:@-]+")
"""Letters, digits and ``-._/:@``: what a value may hold to stand in a command unquoted."""

# Format characters that change how text reads without being seen: bidirectional
# embeddings, overrides, isolates and marks, and zero-width spaces, joiners and the like.
INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""Characters stripped from commands and identifiers (they can make a command read
differently than it runs)."""

_BARE, _SINGLE, _DOUBLE, _SUBSHELL, _BACKTICK = "bare", "single", "double", "subshell", "tick"
_ANSI, _COMMENT, _HEREDOC = "ansi", "comment", "heredoc"
"""Where a place in a command stands: its quoting, or a part the shell does not split."""


def is_plain_name(value: str) -> bool:
    """True if *value* can stand in a command as it is (see PLAIN_NAME)."""
    return PLAIN_NAME.fullmatch(value) is not None


def strip_invisible(text: str) -> str:
    """*text* without bidirectional controls and zero-width characters."""
    return INVISIBLE.sub("", text)


def show_invisible(text: str) -> str:
    """*text* with each invisible or direction-changing character shown as ``<U+202E>``."""
    return INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def single_quoted(value: str) -> str:
    """*value* in POSIX single quotes (a single quote inside is written ``'\\''``)."""
    return "'" + value.replace("'", "'\\''") + "'"


def escaped(command: str, position: int) -> bool:
    """Whether the character at *position* follows an odd run of backslashes."""
    run = 0
    while position - run > 0 and command[position - run - 1] == "\\":
        run += 1
    return run % 2 == 1


_HEREDOC_START = re.compile(r"<<(-?)[ \t]*(?:'([^'\n]*)'|\"([^\"\n]*)\"|\\?([^\s;&|<>()]+))")
_WORD_BREAK = frozenset(" \t\n;&|()<>")


def quoting_at(command: str, positions: list[int]) -> list[str]:
    """The shell's quoting state at each of *positions* (ascending) in *command*.

    Follows single, double and ``$'…'`` quotes, backslash escapes, ``$( )``, backticks,
    comments and here-documents: enough to place quotes around a variable so that its
    expansion stays one word. (A wrong reading misplaces those quotes, never more: see
    the module's docstring.)
    """
    states: list[str] = []
    reading = _Quoting(command)
    stack = reading.stack
    wanted = iter(positions)
    target = next(wanted, None)
    i = 0
    while target is not None:
        while target is not None and i >= target:
            states.append(stack[-1])
            target = next(wanted, None)
        if target is None or i >= len(command):
            break
        i += reading.step(i)
    while target is not None:  # past the end: the state the command ends in
        states.append(stack[-1])
        target = next(wanted, None)
    return states


class _Quoting:
    """A command read from its start: the stack of quotes and parts it is in."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.stack = [_BARE]
        self.heredocs: list[tuple[str, bool]] = []
        """(delimiter, tabs stripped) of each here-document waiting for a line end."""

    def step(self, i: int) -> int:
        """Read the command at *i*; return how many characters were read (0: the
        character is read again, in the state this one ended)."""
        top = self.stack[-1]
        if top == _HEREDOC:
            return self._heredoc_line(i)
        char = self.command[i]
        if top in (_COMMENT, _SINGLE, _ANSI):
            return self._quoted(char, top)
        if char == "\\":
            return 2
        if top == _DOUBLE:
            return self._double_quoted(i, char)
        return self._code(i, char, top)

    def _heredoc_line(self, i: int) -> int:
        """A line of a here-document's body: the last one if it is the delimiter."""
        line_end = self.command.find("\n", i)
        line_end = len(self.command) if line_end < 0 else line_end
        delimiter, tabs = self.heredocs[0]
        line = self.command[i:line_end]
        if (line.lstrip("\t") if tabs else line) == delimiter:
            self.heredocs.pop(0)
            if not self.heredocs:
                self.stack.pop()
        return line_end - i + 1

    def _quoted(self, char: str, top: str) -> int:
        """In a comment (to the line's end), single quotes, or ``$'…'`` (with escapes)."""
        if top == _COMMENT:
            if char == "\n":
                self.stack.pop()
                return 0
            return 1
        if top == _ANSI and char == "\\":
            return 2
        if char == "'":
            self.stack.pop()
        return 1

    def _double_quoted(self, i: int, char: str) -> int:
        if char == '"':
            self.stack.pop()
        elif self.command.startswith("$(", i):
            self.stack.append(_SUBSHELL)
            return 2
        elif char == "`":
            self.stack.append(_BACKTICK)
        return 1

    def _code(self, i: int, char: str, top: str) -> int:
        """Bare, in ``$( )`` or in backticks: where quotes, comments and here-documents
        begin."""
        command, stack = self.command, self.stack
        if char == "\n" and self.heredocs:
            stack.append(_HEREDOC)
        elif char == "#" and (i == 0 or command[i - 1] in _WORD_BREAK):
            stack.append(_COMMENT)
        elif command.startswith("$'", i):
            stack.append(_ANSI)
            return 2
        elif char == "'":
            stack.append(_SINGLE)
        elif char == '"':
            stack.append(_DOUBLE)
        elif command.startswith("$(", i):
            stack.append(_SUBSHELL)
            return 2
        elif command.startswith("<<", i) and not command.startswith("<<<", i):
            return self._heredoc_start(i)
        elif char == "(" and top == _SUBSHELL:
            stack.append(_SUBSHELL)
        elif char == ")" and top == _SUBSHELL:
            stack.pop()
        elif char == "`":
            if top == _BACKTICK:
                stack.pop()
            else:
                stack.append(_BACKTICK)
        return 1

    def _heredoc_start(self, i: int) -> int:
        """``<<WORD``: a here-document whose body starts at the next line end."""
        found = _HEREDOC_START.match(self.command, i)
        if found is None:
            return 1
        dash, *words = found.groups()
        delimiter = next(word for word in words if word is not None)
        self.heredocs.append((delimiter, bool(dash)))
        return found.end() - i


def reference(written: str, state: str) -> str:
    """A variable reference (``$NAME`` or ``${NAME}``) as it is left in a command, with the
    quotes that keep its expansion one word where it stands in *state*."""
    if state in (_BARE, _SUBSHELL, _BACKTICK):
        return f'"{written}"'
    if state == _SINGLE:  # close the quotes, expand, reopen
        return f"'\"{written}\"'"
    return written  # already in double quotes; or a comment, a here-document, $'…'


def assignment(name: str, value: str) -> str:
    """``NAME='value'``: the line that gives a command its variable, the value quoted once."""
    return f"{name}={single_quoted(value)}"


EVALUATES = re.compile(
    r"\(\(|\$\[|\blet\b|-(?:eq|ne|lt|le|gt|ge)\b|\$\{!|\w\[[^\]\n]*\$|\[[^\]\n]*\$[^\]\n]*\]="
    r"|\b(?:declare|typeset|local|readonly|export)\b[^\n;|&]*\s-\w*[iaA]"
    r"|\$\{\w+:(?![-=?+])"
    r"|\b(?:eval|source|ssh|su|sudo|watch|parallel)\b|(?:^|[\s;&|(])\.\s"
    r"|\b(?:sh|bash|dash|zsh|ksh|mksh|fish|busybox)\b[^\n;|&]*\s-\w*c"
)
"""Where bash (or a shell it starts) may read a variable's value as code: arithmetic, an
array index, indirection, and commands that run their arguments as a script. Read widely
on purpose: a command matched by mistake only goes without the values that are not plain
names (and `check` says why)."""


@functools.lru_cache(maxsize=4096)
def evaluates_values(command: str) -> bool:
    """Whether *command* may run a variable's value as code (see EVALUATES). Kept: the
    pattern is long, and plans made from one template (a folder `check` reads at once, a
    long plan's components) repeat their commands."""
    return EVALUATES.search(command) is not None
