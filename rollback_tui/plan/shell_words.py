"""Values put into shell commands: quoted so that each stays one word, never an operator.

A plan's commands are copied and pasted into a shell during an incident. A component
named ``web|edge `canary` `` substituted raw would run a pipe and a command substitution,
so a value with anything but plain name characters is quoted for a POSIX shell, in the way
that fits where it stands in the command: bare, inside "double" or inside 'single' quotes.

Pure: no I/O.
"""

from __future__ import annotations

import re

PLAIN_NAME = re.compile(r"[\w./:@-]+")
"""Letters, digits and ``-._/:@``: what a value may hold to stand in a command unquoted."""

# Format characters that change how text reads without being seen: bidirectional
# embeddings, overrides, isolates and marks, and zero-width spaces, joiners and the like.
INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""Characters stripped from commands and identifiers (they can make a command read
differently than it runs)."""

# Marks the quotes quote_value closes and reopens; no text in a plan holds a NUL.
_MARK = "\0"
_EMPTY_DOUBLE = re.compile('"\0+"')
_BARE, _SINGLE, _DOUBLE, _SUBSHELL, _BACKTICK = "bare", "single", "double", "subshell", "tick"


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


def quoting_at(command: str, positions: list[int]) -> list[str]:
    """The shell's quoting state at each of *positions* (ascending) in *command*.

    Follows single and double quotes, backslash escapes, ``$( )`` and backticks; enough
    to tell how a value put at that place must be quoted to stay one word.
    """
    states: list[str] = []
    stack = [_BARE]
    wanted = iter(positions)
    target = next(wanted, None)
    i = 0
    while target is not None:
        while target is not None and i >= target:
            states.append(stack[-1])
            target = next(wanted, None)
        if target is None or i >= len(command):
            break
        char, top = command[i], stack[-1]
        step = 1
        if top == _SINGLE:
            if char == "'":
                stack.pop()
        elif char == "\\":
            step = 2
        elif top == _DOUBLE:
            if char == '"':
                stack.pop()
            elif command.startswith("$(", i):
                stack.append(_SUBSHELL)
                step = 2
            elif char == "`":
                stack.append(_BACKTICK)
        elif char == "'":
            stack.append(_SINGLE)
        elif char == '"':
            stack.append(_DOUBLE)
        elif command.startswith("$(", i):
            stack.append(_SUBSHELL)
            step = 2
        elif char == "(" and top == _SUBSHELL:
            stack.append(_SUBSHELL)
        elif char == ")" and top == _SUBSHELL:
            stack.pop()
        elif char == "`":
            if top == _BACKTICK:
                stack.pop()
            else:
                stack.append(_BACKTICK)
        i += step
    while target is not None:  # past the end: the state the command ends in
        states.append(stack[-1])
        target = next(wanted, None)
    return states


def quote_value(value: str, state: str) -> str:
    """*value* written so that, at a place in the command in *state*, it is one word.

    Plain names are left as they are. Inside single quotes only a single quote needs
    care; inside double quotes the value is set between closing and reopening quotes, in
    single quotes, so that neither ``$``, backticks nor bash's ``!`` act on it.
    """
    value = strip_invisible(value)
    if is_plain_name(value):
        return value
    if state == _SINGLE:
        return value.replace("'", "'\\''")
    quoted = single_quoted(value)
    if state == _DOUBLE:  # marked, so that finish() can drop the empty "" it may leave
        return f'{_MARK}"{quoted}"{_MARK}'
    if state == _BACKTICK:  # inside `...` a backslash and a backtick are read first
        return quoted.replace("\\", "\\\\").replace("`", "\\`")
    return quoted


def finish(command: str) -> str:
    """*command* once quote_value has put its values in: the empty ``""`` left where a value
    began or ended a double-quoted string are dropped (``"$X"`` gives ``'a b'``, not
    ``""'a b'""``), and the marks removed."""
    if _MARK not in command:
        return command
    return _EMPTY_DOUBLE.sub("", command).replace(_MARK, "")
