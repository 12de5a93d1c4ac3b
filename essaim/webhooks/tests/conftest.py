"""A local receiver (a threaded ``http.server`` on 127.0.0.1) and a label of French Impact."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from essaim.calls.models import WaveStatus
from essaim.labels.tests.factories import (
    ApplicationFactory,
    WaveFactory,
    labelled,
    programme_admin,
)


class Receiver:
    """Answers each POST with the next status of ``statuses`` (then 200) and keeps what came."""

    def __init__(self):
        self.received: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                answer = b'{"ok": true}' if status < 300 else b"boom " * 1000
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def label():
    wave = WaveFactory(french_impact=True, number=1, status=WaveStatus.PUBLISHED)
    application = ApplicationFactory(proposed=True, wave=wave)
    return labelled(application, programme_admin(wave.programme))


@pytest.fixture
def admin(label):
    return programme_admin(label.programme)
