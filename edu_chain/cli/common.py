"""What every ``edu-chain`` subcommand shares: the error a user can fix, and serving until
stopped. Kept apart from ``main.py`` so that the subcommand modules, which ``main.py``
imports, never import ``main.py`` back (no import cycle)."""

from __future__ import annotations

from ..errors import CliError


def stop_on_sigterm() -> None:
    """Let SIGTERM stop a long-running command the way Ctrl-C does."""
    import signal

    def interrupt(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


DRAIN_SECONDS = 5.0  # on SIGTERM, requests in flight get this long to be answered


def serve_until_stopped(server, cleanup=lambda: None, stopping=None) -> None:
    """Run a waitress server until Ctrl-C or SIGTERM, then close it and clean up.

    With ``stopping`` (a node's: it stops its mining), SIGTERM first calls it and lets the
    requests in flight be answered (a waiting /mine gets its documented 503), within
    :data:`DRAIN_SECONDS`, before the server closes.
    """
    if stopping is None:
        stop_on_sigterm()
    else:
        _drain_on_sigterm(server, stopping)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        cleanup()


def listen(application, host: str, port: int, threads: int = 4):
    """A waitress server for a small web page, or a CliError that says how to fix the port."""
    from waitress.server import create_server

    try:
        return create_server(application, host=host, port=port, threads=threads)
    except OSError as error:
        raise CliError(
            f"cannot listen on {host}:{port} ({error.strerror}); choose another port with --port"
        ) from None


def _drain_on_sigterm(server, stopping) -> None:
    import os
    import signal
    import threading
    import time

    def drained() -> bool:
        dispatcher = server.task_dispatcher
        busy = dispatcher.active_count or dispatcher.queue
        unsent = any(getattr(c, "total_outbufs_len", 0) for c in list(server._map.values()))
        return not busy and not unsent

    def drain() -> None:
        deadline = time.monotonic() + DRAIN_SECONDS
        time.sleep(0.05)
        while time.monotonic() < deadline and not drained():
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)  # now stop as Ctrl-C does

    def terminate(*_):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stopping()
        threading.Thread(target=drain, daemon=True, name="edu-chain drain").start()

    signal.signal(signal.SIGTERM, terminate)
