"""A real JupyterHub for one test: started on 127.0.0.1, driven by its REST API, and
stopped with everything it started (checked by process id)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

from .netutil import free_port, wait_for
from .proctree import alive, descendants

BIN = Path(sys.executable).parent


def missing() -> str | None:
    """Why a hub cannot run here, or None."""
    for module in ("jupyterhub", "jupyter_server_proxy", "websocket"):
        try:
            __import__(module)
        except ImportError:
            return f"python package {module} is not installed (pip install -e '.[test]')"
    if not shutil.which("configurable-http-proxy"):
        return (
            "configurable-http-proxy not found: install it with "
            "'npm install -g configurable-http-proxy' (.ci/run does)"
        )
    if not (BIN / "jupyterhub-singleuser").exists():
        return f"jupyterhub-singleuser is not in {BIN}"
    return None


CONFIG = """
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {folder!r} + "/proxy.pid"
c.JupyterHub.db_url = "sqlite:///" + {folder!r} + "/hub.sqlite"
c.JupyterHub.cookie_secret_file = {folder!r} + "/cookie_secret"
c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = {folder!r} + "/home/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = ["--allow-root"]
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.JupyterHub.services = [{{"name": "edu-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "edu-test", "services": ["edu-test"],
    "scopes": ["admin:users", "admin:servers", "access:servers"]}}]
"""


class Hub:
    """``Hub(folder)`` starts a hub; ``.spawn(name)``, ``.run(name, code)``, ``.stop()``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        config = folder / "jupyterhub_config.py"
        config.write_text(
            CONFIG.format(
                port=self.port,
                hub_port=free_port(),
                proxy_api=free_port(),
                folder=str(folder),
                proxy=shutil.which("configurable-http-proxy"),
                token=self.token,
                singleuser=str(BIN / "jupyterhub-singleuser"),
            )
        )
        self.log = open(folder / "hub.log", "wb")
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(folder / "runtime"))
        self.process = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(config)],
            cwd=folder,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        self.tree: set[int] = set()
        self.sockets: list = []
        try:
            wait_for(self._up, 40, "JupyterHub to answer")
        except AssertionError:
            self.stop()
            raise AssertionError("JupyterHub did not start:\n" + self.log_text()) from None

    def log_text(self) -> str:
        return (self.folder / "hub.log").read_text(errors="replace")[-4000:]

    def _up(self) -> bool:
        try:
            return requests.get(f"{self.url}/hub/api/", timeout=2).ok
        except requests.RequestException:
            return False

    def api(self, method: str, path: str, **options):
        reply = requests.request(
            method,
            f"{self.url}/hub/api{path}",
            timeout=30,
            headers={"Authorization": f"token {self.token}"},
            **options,
        )
        assert reply.status_code < 400, f"{method} {path}: {reply.status_code} {reply.text}"
        return reply.json() if reply.text else None

    def spawn(self, name: str) -> None:
        self.api("POST", f"/users/{name}")
        self.api("POST", f"/users/{name}/server")
        wait_for(
            lambda: self.api("GET", f"/users/{name}")["servers"].get("", {}).get("ready"),
            60,
            f"{name}'s server to be ready",
        )

    def user(self, name: str, path: str, method: str = "GET", **options):
        reply = requests.request(
            method,
            f"{self.url}/user/{name}{path}",
            timeout=30,
            headers={"Authorization": f"token {self.token}"},
            **options,
        )
        assert reply.status_code < 400, f"{method} {path}: {reply.status_code} {reply.text}"
        return reply.json()

    def kernel(self, name: str) -> Kernel:
        started = self.user(name, "/api/kernels", "POST", json={})
        self.tree |= descendants(self.process.pid)
        return Kernel(self, name, started["id"])

    def stop(self) -> list[int]:
        """Stop the servers and the hub; return the ids of processes that outlived it."""
        for ws in self.sockets:
            ws.close()
        self.tree |= descendants(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the hub stops servers and proxy
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(alive(pid) for pid in self.tree):
            time.sleep(0.2)
        left = sorted(pid for pid in self.tree if alive(pid))
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        self.log.close()
        return left


class Kernel:
    """A kernel of a user's server, run over the Jupyter server's websocket API."""

    def __init__(self, hub: Hub, user: str, kernel_id: str):
        import websocket

        self.session = uuid.uuid4().hex
        url = f"ws://127.0.0.1:{hub.port}/user/{user}/api/kernels/{kernel_id}/channels"
        self.ws = websocket.create_connection(
            url, header=[f"Authorization: token {hub.token}"], timeout=60
        )
        hub.sockets.append(self.ws)

    def run(self, code: str, timeout: float = 60) -> str:
        """Execute ``code``; return what it printed, or fail with its traceback."""
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "username": "test",
                        "session": self.session,
                        "msg_type": "execute_request",
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "buffers": [],
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": False,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        printed, shown, done = [], [], False
        deadline = time.monotonic() + timeout
        while not done:
            assert time.monotonic() < deadline, f"the kernel did not finish within {timeout} s"
            message = json.loads(self.ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                printed.append(content["text"])
            elif kind in ("display_data", "execute_result"):
                shown.append(content["data"].get("text/html") or content["data"]["text/plain"])
            elif kind == "error":
                raise AssertionError("the kernel raised:\n" + "\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                done = True
        return "".join(printed) + "".join(shown)
