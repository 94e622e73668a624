"""A TCP proxy on loopback that a test can cut and restore, to take a real database
away from a real server and give it back."""

from __future__ import annotations

import socket
import threading
from typing import List, Tuple

CHUNK_BYTES = 65536


class CuttableProxy:
    """Forwards 127.0.0.1:`port` to `upstream`; `cut()` drops every connection and
    refuses new ones (accepted, then closed at once) until `restore()`."""

    def __init__(self, upstream: Tuple[str, int]) -> None:
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._sockets: List[socket.socket] = []
        self._guard = threading.Lock()
        self._cut = False
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        with self._guard:
            self._cut = True
            self._close_all()

    def restore(self) -> None:
        with self._guard:
            self._cut = False

    def close(self) -> None:
        with self._guard:
            self._closed = True
            self._close_all()
        self._listener.close()

    def _close_all(self) -> None:
        for connection in self._sockets:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            connection.close()
        self._sockets.clear()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._guard:
                if self._cut or self._closed:
                    client.close()
                    continue
                try:
                    server = socket.create_connection(self.upstream, timeout=5)
                except OSError:
                    client.close()
                    continue
                server.settimeout(None)
                self._sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(
                    target=self._pump, args=(source, target), daemon=True
                ).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(CHUNK_BYTES):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for connection in (source, target):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
