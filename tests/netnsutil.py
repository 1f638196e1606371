"""One node in its own network namespace, reached from the test over a veth link: the
test's side has two addresses (an attacker and an honest client) on the same classroom
subnet. For the hostile tests (tests/test_hostile_netns.py) and the security benchmark.
Needs root and iproute2; ``netns_unavailable()`` says why not.
"""

import os
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager

SUBNET = "10.213.78"
NODE_IP, ATTACKER_IP, OTHER_IP = f"{SUBNET}.1", f"{SUBNET}.254", f"{SUBNET}.253"


def netns_unavailable() -> str | None:
    """Why namespaces cannot be used here, or None."""
    if not sys.platform.startswith("linux"):
        return "network namespaces exist only on Linux"
    if shutil.which("ip") is None:
        return "the 'ip' command (iproute2) is not installed"
    if os.geteuid() != 0:
        return "creating network namespaces needs root"
    probe = f"sec{os.getpid() % 100000}probe"
    done = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if done.returncode != 0:
        return f"'ip netns add' is not allowed here: {done.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], check=False)
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


@contextmanager
def node_in_namespace(data_dir, *node_args: str, output=None):
    """An ``edu-chain node --host 0.0.0.0`` in a namespace at NODE_IP:8000 (classroom mode:
    no default route); yields its URL. The namespace and the link go when it ends."""
    prefix = f"sec{os.getpid() % 100000}"
    ns, link = f"{prefix}n", f"{prefix}t"
    process = None
    try:
        _ip("netns", "add", ns)
        _ip("link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns)
        _ip("-n", ns, "addr", "add", f"{NODE_IP}/24", "dev", "eth0")
        _ip("-n", ns, "link", "set", "eth0", "up")
        _ip("-n", ns, "link", "set", "lo", "up")
        _ip("addr", "add", f"{ATTACKER_IP}/24", "dev", link)
        _ip("addr", "add", f"{OTHER_IP}/24", "dev", link)
        _ip("link", "set", link, "up")
        command = [
            *("ip", "netns", "exec", ns, sys.executable, "-u", "-m", "edu_chain", "node"),
            *("--host", "0.0.0.0", "--port", "8000", "--data-dir", str(data_dir)),
            *node_args,
        ]
        process = subprocess.Popen(
            command, stdout=output or subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        yield f"http://{NODE_IP}:8000", process
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        subprocess.run(["ip", "link", "del", link], capture_output=True)
