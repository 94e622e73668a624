"""The web page with the chat widget, for `make serve` (http://127.0.0.1:${WEB_PORT}/).

A few static files need no framework: the standard library's threading HTTP server
serves `bot/web/` from an allow-list (never the folder as a whole, which also holds
`node_modules/` and `package.json`). The page learns where the Rasa server is from the
`data-socket-url` attribute of the widget's script tag, filled in here, the same way a
site that embeds the widget configures it.

    python -m bot.tooling.web_server [--port 8080] [--socket-url http://127.0.0.1:5005]
"""

from __future__ import annotations

import argparse
import html
import logging
import os
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Tuple
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

WEB_ROOT = Path(__file__).resolve().parents[1] / "web"
SOCKET_URL_PLACEHOLDER = "{{SOCKET_URL}}"
SOCKET_IO_CLIENT = "socket.io.min.js"
# Where `make install` copies socket.io-client's browser build, and where npm puts it.
SOCKET_IO_CANDIDATES = (
    WEB_ROOT / "vendor" / SOCKET_IO_CLIENT,
    WEB_ROOT / "node_modules" / "socket.io-client" / "dist" / SOCKET_IO_CLIENT,
)
STATIC_FILES: Dict[str, Tuple[str, str]] = {
    "/widget.js": ("widget.js", "text/javascript; charset=utf-8"),
    "/widget.css": ("widget.css", "text/css; charset=utf-8"),
    "/demo.css": ("demo.css", "text/css; charset=utf-8"),
}
INDEX_PATHS = ("/", "/index.html")
HTML_TYPE = "text/html; charset=utf-8"
JS_TYPE = "text/javascript; charset=utf-8"


def socket_io_client_path() -> Path | None:
    """The socket.io-client browser build, if `make install` (npm ci) has fetched it."""
    return next((path for path in SOCKET_IO_CANDIDATES if path.is_file()), None)


def checked_socket_url(url: str) -> str:
    """The Rasa server's origin from `url`; ValueError unless it is http(s)://host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"socket URL must be http(s)://host[:port], got {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(socket_url: str) -> str:
    """Only our own files run; the page may talk to itself and the Rasa server only."""
    parts = urlsplit(socket_url)
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        "img-src 'self' data:; "
        f"connect-src 'self' {socket_url} {ws_scheme}://{parts.netloc}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def render_index(socket_url: str) -> bytes:
    """The demo page with the Rasa server's URL in the widget's `data-socket-url`."""
    page = (WEB_ROOT / "index.html").read_text(encoding="utf-8")
    return page.replace(
        SOCKET_URL_PLACEHOLDER, html.escape(socket_url, quote=True)
    ).encode()


def make_handler(socket_url: str) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to the Rasa server's URL."""
    policy = content_security_policy(socket_url)

    class WidgetPageHandler(BaseHTTPRequestHandler):
        """GET and HEAD for the page, the widget and the socket.io client; 404 else."""

        server_version = "widget-page"
        sys_version = ""

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._respond(include_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._respond(include_body=False)

        def _respond(self, include_body: bool) -> None:
            found = self._resolve(urlsplit(self.path).path)
            if found is None:
                self._send(
                    HTTPStatus.NOT_FOUND, b"not found\n", "text/plain", include_body
                )
                return
            body, content_type = found
            self._send(HTTPStatus.OK, body, content_type, include_body)

        def _resolve(self, path: str) -> Tuple[bytes, str] | None:
            if path in INDEX_PATHS:
                return render_index(socket_url), HTML_TYPE
            if path in STATIC_FILES:
                name, content_type = STATIC_FILES[path]
                return (WEB_ROOT / name).read_bytes(), content_type
            if path == "/" + SOCKET_IO_CLIENT:
                client = socket_io_client_path()
                return (client.read_bytes(), JS_TYPE) if client else None
            return None

        def _send(
            self, status: HTTPStatus, body: bytes, content_type: str, include_body: bool
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Content-Security-Policy", policy)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.end_headers()
            if include_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            logger.info("%s %s", self.address_string(), format % args)

    return WidgetPageHandler


def build_server(host: str, port: int, socket_url: str) -> ThreadingHTTPServer:
    """The page server, bound but not yet serving (port 0 picks a free port)."""
    server = ThreadingHTTPServer(
        (host, port), make_handler(checked_socket_url(socket_url))
    )
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    """Serves the page until SIGTERM or Ctrl-C."""
    bot_port = os.environ.get("BOT_PORT", "5005")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface (default loopback)"
    )
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("WEB_PORT", "8080"))
    )
    parser.add_argument(
        "--socket-url",
        default=os.environ.get("WIDGET_SOCKET_URL", f"http://127.0.0.1:{bot_port}"),
        help="the Rasa server the widget talks to (default http://127.0.0.1:$BOT_PORT)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="web: %(message)s")
    if socket_io_client_path() is None:
        print(
            "error: the socket.io client is missing: run `make install` "
            "(npm ci in bot/web)",
            file=sys.stderr,
        )
        return 1
    server = build_server(args.host, args.port, args.socket_url)
    print(f"Chat widget page on http://{args.host}:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
