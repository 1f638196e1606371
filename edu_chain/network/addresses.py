"""Which addresses other machines can reach this node at.

A teacher's laptop on a classroom network often has no default route (an isolated
Wi-Fi, a lab switch), so asking the routing table "which address would I use to reach
the internet?" finds nothing and the node used to print ``http://127.0.0.1:8000`` —
an address no student can use. Here we list the IPv4 addresses of the machine's own
network interfaces instead (loopback left out), and use the route only to put first
the address that leads towards a known peer. Every way of asking is bounded in time.
"""

from __future__ import annotations

import ipaddress
import json
import shutil
import socket
import subprocess
import sys

WILDCARD_HOSTS = ("0.0.0.0", "::", "")
IP_COMMAND_TIMEOUT = 2.0  # seconds; `ip` answers in milliseconds when it works


def _usable(address: str) -> bool:
    """An IPv4 address another machine could use: not loopback, not unspecified."""
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_multicast)


def _ordered(addresses: list[str]) -> list[str]:
    """Unique usable addresses, link-local (169.254.x.x, no DHCP) last."""
    unique = list(dict.fromkeys(a for a in addresses if _usable(a)))
    return sorted(unique, key=lambda a: ipaddress.IPv4Address(a).is_link_local)


def addresses_from_ip_json(text: str) -> list[str]:
    """IPv4 addresses of interfaces that are up, from ``ip -j -4 addr show``'s output."""
    try:
        interfaces = json.loads(text)
    except ValueError:
        return []
    found = []
    for interface in interfaces if isinstance(interfaces, list) else []:
        if not isinstance(interface, dict) or "UP" not in interface.get("flags", []):
            continue
        for info in interface.get("addr_info", []):
            if (
                isinstance(info, dict)
                and info.get("family") == "inet"
                and info.get("scope") != "host"
                and isinstance(info.get("local"), str)
            ):
                found.append(info["local"])
    return _ordered(found)


def addresses_from_psutil(if_addrs: dict, if_stats: dict) -> list[str]:
    """IPv4 addresses of interfaces that are up, from psutil's net_if_addrs/net_if_stats."""
    found: list[str] = []
    for name, entries in if_addrs.items():
        stats = if_stats.get(name)
        if stats is not None and not stats.isup:
            continue
        found.extend(e.address for e in entries if e.family == socket.AF_INET)
    return _ordered(found)


def _from_ip_command() -> list[str] | None:
    if shutil.which("ip") is None:
        return None
    try:
        out = subprocess.run(
            ["ip", "-j", "-4", "addr", "show"],
            capture_output=True,
            text=True,
            timeout=IP_COMMAND_TIMEOUT,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return addresses_from_ip_json(out.stdout) if out.returncode == 0 else None


def _from_psutil() -> list[str] | None:
    try:
        import psutil
    except ImportError:
        return None
    try:
        return addresses_from_psutil(psutil.net_if_addrs(), psutil.net_if_stats())
    except (OSError, psutil.Error):
        return None


def _from_ioctl() -> list[str] | None:
    """Linux without iproute2 or psutil: each interface's first IPv4 address."""
    if not sys.platform.startswith("linux"):
        return None
    import fcntl
    import struct

    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            try:
                request = struct.pack("256s", name[:15].encode())
                reply = fcntl.ioctl(probe.fileno(), 0x8915, request)  # SIOCGIFADDR
                found.append(socket.inet_ntoa(reply[20:24]))
            except OSError:
                continue  # an interface without an IPv4 address
    return _ordered(found)


def lan_ipv4_addresses() -> list[str]:
    """This machine's IPv4 addresses that others on its networks may reach (no loopback)."""
    for source in (_from_psutil, _from_ip_command, _from_ioctl):
        found = source()
        if found is not None:
            return found
    route = route_address()
    return [route] if route else []


def route_address(target: str = "10.255.255.255") -> str | None:
    """The local address the routing table would use towards ``target`` (None: no route).

    A UDP ``connect`` sends nothing; it only picks the route, so it cannot hang.
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect((target, 9))
        address = probe.getsockname()[0]
        return address if _usable(address) else None
    except OSError:
        return None
    finally:
        probe.close()


def _peer_host(peer: str) -> str:
    return peer.split("://")[-1].split("/")[0].rsplit(":", 1)[0].strip("[]")


def advertised_address(host: str, port: int, peers: list[str]) -> str:
    """The one URL this node gives its peers: the bound host, or for 0.0.0.0 the address
    on the route to the first peer, else the first LAN address, else 127.0.0.1."""
    if host not in WILDCARD_HOSTS:
        return f"http://{host}:{port}"
    towards_peer = None
    if peers:
        try:  # a literal IP needs no name resolution; a name is not resolved here
            towards_peer = route_address(str(ipaddress.IPv4Address(_peer_host(peers[0]))))
        except ValueError:
            towards_peer = None
    chosen = towards_peer or route_address() or next(iter(lan_ipv4_addresses()), None)
    return f"http://{chosen or '127.0.0.1'}:{port}"


def reachable_urls(host: str, port: int, advertised: str | None = None) -> list[str]:
    """Every URL other machines can reach a node bound to ``host`` at, ``advertised``
    first; empty when the machine has no network address besides loopback."""
    if host not in WILDCARD_HOSTS:
        addresses = [host] if host != "localhost" else []
    else:
        addresses = lan_ipv4_addresses()
    urls = [f"http://{a}:{port}" for a in addresses if a == host or _usable(a)]
    if advertised and _reachable_from_elsewhere(_peer_host(advertised)):
        if advertised in urls:
            urls.remove(advertised)
        urls.insert(0, advertised)  # e.g. the --advertise URL the user gave
    return urls


def _reachable_from_elsewhere(host: str) -> bool:
    """A usable IPv4 address, or a name (we do not resolve it); not loopback."""
    try:
        return _usable(str(ipaddress.IPv4Address(host)))
    except ValueError:
        return host not in ("localhost", "") and ":" not in host
