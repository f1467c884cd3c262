"""Receipt-printer stand-ins on 127.0.0.1 (issue #9): real TCP listeners, not mocks.

Many sandboxes accept every outbound connection, so a "non-routable" address may look like a
printer; these listeners make each failure happen for real:

- ``closed_port()``: nothing listens, the connection is refused;
- ``PrinterPort("silent")``: accepts and reads, never answers (a printer that cannot report
  status, or a wrong device behind the port);
- ``PrinterPort("paper_out")``: answers ``DLE EOT 4`` with the paper-end bits set;
- ``PrinterPort("ok")``: answers ``DLE EOT 4`` with "paper present" and takes the job.
"""

from __future__ import annotations

import socket
import threading

from shared.printing.escpos_printers import PAPER_STATUS_REQUEST

REPLIES = {"ok": 0x12, "paper_out": 0x72, "silent": None}


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


class PrinterPort:
    """A printer's raw port 9100 on loopback, serving connections until :meth:`close`.

    Attributes:
        port: the listening port.
        received: the bytes of each finished connection, in order.
    """

    def __init__(self, mode: str) -> None:
        self.reply = REPLIES[mode]
        self.received: list[bytes] = []
        self._done = threading.Condition()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._server.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        chunks: list[bytes] = []
        with conn:
            conn.settimeout(30)
            try:
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
                    if self.reply is not None and b"".join(chunks).endswith(PAPER_STATUS_REQUEST):
                        conn.sendall(bytes((self.reply,)))
            except OSError:
                pass
        with self._done:
            self.received.append(b"".join(chunks))
            self._done.notify_all()

    def wait_received(self, count: int = 1, timeout: float = 10) -> list[bytes]:
        """The connections' bytes once ``count`` connections have ended."""
        with self._done:
            self._done.wait_for(lambda: len(self.received) >= count, timeout)
        return list(self.received)

    def close(self) -> None:
        """Stop listening."""
        self._server.close()
