"""Debian's chromium, headless, on file:// pages: a screenshot at a width, the DOM as the
browser built it; and a PNG read with the standard library (zlib) to tell a real picture
from a blank one. Each run has a fresh profile and its whole process group is ended."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def chromium() -> str:
    """The chromium binary, installed by scripts/ensure-chromium if missing."""
    found = shutil.which("chromium")
    if found is None:
        subprocess.run([str(ROOT / "scripts" / "ensure-chromium")], check=True)
        found = shutil.which("chromium")
    assert found is not None, "scripts/ensure-chromium did not install chromium"
    return found


def _run(args: list[str], timeout: float = 60) -> str:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        process = subprocess.Popen(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        try:
            out, _ = process.communicate(timeout=timeout)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        assert process.returncode == 0, process.returncode
        return out


def screenshot(page: Path, png: Path, width: int, height: int = 900) -> None:
    """A screenshot of *page* in a window *width* pixels wide."""
    _run([f"--screenshot={png}", f"--window-size={width},{height}", page.as_uri()])
    assert png.exists()


def dump_dom(page: Path, width: int = 390) -> str:
    """The DOM of *page* as the browser serialises it once loaded."""
    return _run([f"--window-size={width},900", "--dump-dom", page.as_uri()])


def png_pixels(png: Path, max_rows: int = 240) -> tuple[int, int, list[bytes]]:
    """(width, height, its first *max_rows* rows of RGB(A) bytes) of an 8-bit PNG,
    unfiltered (the top of the page is where the title, counts and bars are)."""
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    size = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * size
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(min(height, max_rows)):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - size] if x >= size else 0
            up = previous[x]
            corner = previous[x - size] if x >= size else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                guess = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[x] = (line[x] + guess) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def colours(png: Path) -> int:
    """How many distinct colours the picture has (a blank page has one)."""
    width, _, rows = png_pixels(png)
    size = len(rows[0]) // width
    seen = set()
    for row in rows[::4]:
        for x in range(0, len(row), size * 2):
            seen.add(row[x : x + 3])
    return len(seen)
