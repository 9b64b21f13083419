"""Reading TOML text: every TOML file rollback-tui reads (plans, config, themes, key maps)
is parsed here, and its errors are this module's TOMLDecodeError.

The parser is tomli, the project the standard library's tomllib is a copy of, in its
compiled build: three times as fast on a long plan (0.37 s for a 9 MB plan where tomllib
takes 1.0 s), with the same values and messages. Its releases from 2.4 on read TOML 1.1
(an inline table over several lines, ``\\e``, a time without seconds), which Python 3.11's
tomllib and most other readers refuse: pyproject.toml keeps it below 2.4, so that a plan
`check` accepts is TOML 1.0, readable everywhere (tests/core/test_store.py). A nesting
deeper than it reads raises RecursionError, as tomllib's does.

A long text that its caller finds *shallow* (see loads) is read by toml-rs first, a
reader written in Rust, in its TOML 1.0 mode: 0.1 s for the 9 MB plan where tomli takes
0.35 s, the same values (tests/core/test_toml_text.py compares both on generated texts).
It is only given such texts: it recurses into nested arrays and inline tables on the
thread's own stack, and a nesting a few thousand deep ends the process (a segmentation
fault, no exception). A plan is shallow when it has few brackets besides its headers'
(store/toml_scan.py's few_brackets, 20 ms for 9 MB) or when its layout's scan went through
it (store/layout.py's found_shallow). Nor is it used under a limit of the address space,
where it would end the process rather than fail (_address_space_limited). Whatever it
refuses is read again by tomli, whose message is the one shown (or which reads what it
refused: then tomli's values are taken, as before).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import tomli

TOMLDecodeError = tomli.TOMLDecodeError
"""What loads raises for text that is not TOML (a ValueError, as tomllib's is)."""

COMPILED_FROM = 64 * 1024
"""Characters from which a shallow text is read by toml-rs: below, tomli's few milliseconds
do not pay for importing a second reader."""

_compiled: ModuleType | None = None


def loads(text: str, *, shallow: Callable[[str], bool] | None = None) -> dict[str, Any]:
    """*text* as a dict of plain values. Raises TOMLDecodeError or RecursionError.

    *shallow*, asked only of a text the compiled reader could have, says whether no array
    or inline table of it can be nested more than a few deep, found without parsing it
    (store/layout.py's found_shallow): only then may that reader have it.
    """
    # (It skips a byte order mark at the start, which tomli refuses.)
    if (
        shallow is not None
        and len(text) >= COMPILED_FROM
        and not text.startswith("\ufeff")
        and not _address_space_limited()
        and shallow(text)
    ):
        reader = compiled()
        try:
            data: dict[str, Any] = reader.loads(text, toml_version="1.0.0")
        except reader.TOMLDecodeError:
            pass  # tomli's message says where and why (or it reads the text: its values)
        else:
            return data
    return tomli.loads(text)


def _address_space_limited() -> bool:
    """Whether the process runs under a limit of its address space (``ulimit -v``).

    The compiled reader reserves address space in proportion to the text (235 MB for a
    9.8 MB plan, most of it never touched), and where an allocation is refused it ends
    the process (a Rust abort, no MemoryError): under such a limit, tomli reads every
    text. A limit on memory itself (a cgroup's) counts only what is touched.
    """
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return False
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    return soft != resource.RLIM_INFINITY


def compiled_release() -> str:
    """The compiled reader's release, found without loading it (loading it reserves a
    gigabyte of address space: see compiled): the name of its installed metadata."""
    spec = importlib.util.find_spec("toml_rs")
    if spec is None or spec.origin is None:
        return ""
    site = Path(spec.origin).parent.parent
    return ",".join(sorted(path.name for path in site.glob("toml_rs-*.dist-info")))


def compiled() -> ModuleType:
    """toml_rs, imported when first needed (a short plan never is).

    Its allocator (mimalloc, linked into it) keeps what a parse freed for its next one:
    after a 9 MB plan, 67 MB that the rest of a tick then allocates again elsewhere (the
    tick's peak went from 194 to 265 MB). MIMALLOC_PURGE_DELAY=0 has it give freed memory
    back at once; mimalloc reads its options when loaded, so the variable is set for the
    import only (a user's own setting stands), and the commands a run starts never see it.
    tests/core/test_toml_text.py fails if a release stops giving the memory back. (Loaded,
    the allocator reserves 1 GB of address space, untouched: never under a limit of it.)
    """
    global _compiled
    if _compiled is None:
        had = os.environ.get("MIMALLOC_PURGE_DELAY")
        if had is None:
            os.environ["MIMALLOC_PURGE_DELAY"] = "0"
        try:
            import toml_rs
        finally:
            if had is None:
                os.environ.pop("MIMALLOC_PURGE_DELAY", None)
        _compiled = toml_rs
    return _compiled
