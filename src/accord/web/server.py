"""Serving the web UI and API with waitress, a production-grade pure-Python WSGI server."""

import errno
import webbrowser
from dataclasses import dataclass

from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from accord.errors import PortInUse

# Requests are short and I/O-bound on the database; 8 threads keep two cores busy without
# queuing behind one slow page (waitress's default is 4).
SERVER_THREADS = 8


@dataclass(frozen=True)
class BoundServer:
    """A server that holds its port but does not answer yet: bind early, fail early."""

    server: BaseWSGIServer | MultiSocketServer
    url: str

    def run(self, *, open_browser: bool = False) -> None:
        if open_browser:
            webbrowser.open(self.url)
        try:
            self.server.run()
        except KeyboardInterrupt:
            pass
        finally:
            self.server.close()


def url_for(host: str, port: int) -> str:
    shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    return f"http://{shown_host}:{port}/"


def bind_server(host: str, port: int) -> BoundServer:
    """Take the port now; a busy or forbidden port is a PortInUse error, not a traceback."""
    from accord.web.wsgi import application

    try:
        server = create_server(application, host=host, port=port, threads=SERVER_THREADS)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            reason = exc.strerror.lower() if exc.strerror else str(exc)
            raise PortInUse(
                f"cannot serve on {host}:{port}: {reason}; stop the other process or choose another --port"
            ) from exc
        raise
    return BoundServer(server=server, url=url_for(host, port))
