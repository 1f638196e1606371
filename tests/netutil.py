"""Helpers for tests that run real nodes."""

import socket
import time

from edu_chain.network.client import PeerClient


def wait_for(condition, timeout: float = 10.0, what: str = "condition"):
    """Poll ``condition`` until it is truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def same_tip(network) -> bool:
    return len(set(network.tips())) == 1


class WaitressInThread:
    """A node's app served by waitress with the command line's settings, in a thread."""

    def __init__(self, app, max_body: int | None = None):
        import threading

        from edu_chain.network.api import MAX_BODY_BYTES
        from edu_chain.network.serving import room_server

        self.server = room_server(app, "127.0.0.1", 0, max_body or MAX_BODY_BYTES)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Close every channel from inside the server's own loop (closing them from here
        would pull the sockets out from under its select: EBADF in the thread); the loop
        ends when nothing is left to watch."""

        def close_all():
            for channel in list(self.server._map.values()):
                try:
                    channel.close()  # the listener, the connections, the trigger itself
                except OSError:  # closed already
                    pass

        try:
            self.server.trigger.pull_trigger(close_all)
        except OSError:  # the trigger is gone already (its loop ended): nothing to wake
            close_all()
        self.thread.join(timeout=5)
        self.server.task_dispatcher.shutdown(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def silent_sockets(count: int):
    """``count`` listening sockets that accept connections and never answer."""
    import socket

    sockets = []
    for _ in range(count):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        sockets.append(listener)
    return sockets


def offline_node(difficulty: int = 4, **options):
    """A node whose peer calls never leave the process (each fails at once)."""
    from edu_chain import Blockchain, NetworkParams
    from edu_chain.network.client import PeerClient, PeerError
    from edu_chain.network.service import Node

    class OfflineClient(PeerClient):
        def request(self, method, address, path, **_):
            raise PeerError(f"cannot reach {address} (offline test client)")

    return Node(
        Blockchain(NetworkParams(difficulty=difficulty)),
        address=options.pop("address", "http://127.0.0.1:9"),
        client=OfflineClient(),
        sync_interval=None,
        **options,
    )


def node_state(node):
    """What a refused request must leave unchanged: the tip, the pending posts and payments,
    the UTXO set."""
    coins = node.chain.coins
    return node.chain.tip.hash, sorted(node.chain.pending), list(coins.pending), coins.utxos.coins


def form_token(browser, url: str = "/") -> str:
    """The posts app's form token for ``browser`` (a Flask test client or a requests
    session), read from the page as a browser would."""
    import re

    html = browser.get(url, **({"timeout": 10} if hasattr(browser, "mount") else {})).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


class RecordingClient(PeerClient):
    """Records every call instead of making it (and the news each carried)."""

    def __init__(self):
        super().__init__()
        self.calls = []
        self.news = []  # (address, kind, item) for every item sent, batched or not

    def request(self, method, address, path, **options):
        self.calls.append((method, address, path))
        body = options.get("json")
        if path == "/relay":
            for kind, items in body.items():
                self.news += [(address, kind[:-1], item) for item in items]
        elif path in ONE_ITEM:
            self.news.append((address, ONE_ITEM[path], body))
        return {}

    def clear(self):
        self.calls.clear()
        self.news.clear()

    def sent(self, kind):
        return [(address, item) for address, k, item in self.news if k == kind]


ONE_ITEM = {"/new_transaction": "post", "/add_block": "block", "/coins/pay": "payment"}
