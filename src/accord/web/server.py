"""Serving the web UI and API with waitress, a production-grade pure-Python WSGI server."""

import errno
import webbrowser
from collections.abc import Callable

from accord.errors import PortInUse

# Requests are short and I/O-bound on the database; 8 threads keep two cores busy without
# queuing behind one slow page (waitress's default is 4).
SERVER_THREADS = 8


def url_for(host: str, port: int) -> str:
    shown_host = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    return f"http://{shown_host}:{port}/"


def serve_forever(
    host: str, port: int, *, open_browser: bool = False, on_ready: Callable[[str], None] = print
) -> None:
    """Bind first (a busy port is a PortInUse error, not a traceback), then serve until interrupted."""
    from waitress.server import create_server

    from accord.web.wsgi import application

    try:
        server = create_server(application, host=host, port=port, threads=SERVER_THREADS)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortInUse(
                f"cannot serve on {host}:{port}: {exc.strerror.lower() if exc.strerror else exc}; "
                "stop the other process or choose another --port"
            ) from exc
        raise
    url = url_for(host, port)
    on_ready(url)
    if open_browser:
        webbrowser.open(url)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
