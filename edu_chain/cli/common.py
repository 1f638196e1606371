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


def serve_until_stopped(server, cleanup=lambda: None) -> None:
    """Run a waitress server until Ctrl-C or SIGTERM, then close it and clean up."""
    stop_on_sigterm()
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
