"""A real HTTP server on 127.0.0.1 that receives webhook posts, for the status update
tests: it accepts them (200), fails them (500) or never answers, as told; it runs in a
thread of the test process and is shut down by the fixture."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

Mode = Literal["ok", "fail", "hang"]


class Receiver:
    """What the server received, and how it answers."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self.server = server
        self.mode: Mode = "ok"
        self.received: list[dict[str, object]] = []
        self.paths: list[str] = []
        self.release = threading.Event()
        """Set when the server ends: a hanging answer ends too."""

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, secret: str = "T000/B000/s3cr3t") -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{secret}"

    def texts(self) -> list[str]:
        return [str(body["text"]) for body in self.received]


@contextmanager
def webhook_receiver(port: int = 0) -> Iterator[Receiver]:
    """A receiver listening on *port* (any free one by default) until the block ends."""
    holder: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver = holder[0]
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if receiver.mode == "hang":
                receiver.release.wait(30)
                return
            receiver.paths.append(self.path)
            if receiver.mode == "fail":
                self.send_response(500)
                self.end_headers()
                return
            receiver.received.append(json.loads(body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    holder.append(Receiver(server))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        holder[0].release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (a refused connection)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
