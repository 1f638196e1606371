"""The addresses a node names for other machines: real interface addresses, never loopback."""

import ipaddress
import json
import socket
from collections import namedtuple

import pytest

from edu_chain.network import addresses

IP_JSON = json.dumps(
    [
        {
            "ifname": "lo",
            "flags": ["LOOPBACK", "UP", "LOWER_UP"],
            "addr_info": [{"family": "inet", "local": "127.0.0.1", "scope": "host"}],
        },
        {
            "ifname": "wlan0",
            "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
            "addr_info": [
                {"family": "inet", "local": "169.254.7.9", "scope": "link"},
                {"family": "inet", "local": "192.168.1.23", "scope": "global"},
            ],
        },
        {
            "ifname": "eth1",
            "flags": ["BROADCAST", "MULTICAST"],  # down: not listed
            "addr_info": [{"family": "inet", "local": "10.9.9.9", "scope": "global"}],
        },
        {
            "ifname": "eth0",
            "flags": ["BROADCAST", "UP"],
            "addr_info": [
                {"family": "inet", "local": "10.0.0.5", "scope": "global"},
                {"family": "inet", "local": "192.168.1.23", "scope": "global"},
            ],
        },
    ]
)


def test_ip_json_lists_up_interfaces_without_loopback_link_local_last():
    assert addresses.addresses_from_ip_json(IP_JSON) == ["192.168.1.23", "10.0.0.5", "169.254.7.9"]


@pytest.mark.parametrize("junk", ["", "not json", "{}", "[1, 2]", '[{"flags": "UP"}]'])
def test_ip_json_junk_gives_no_addresses(junk):
    assert addresses.addresses_from_ip_json(junk) == []


def test_psutil_view_skips_down_interfaces_loopback_and_ipv6():
    Addr, Stats = namedtuple("Addr", "family address"), namedtuple("Stats", "isup")
    if_addrs = {
        "lo": [Addr(socket.AF_INET, "127.0.0.1")],
        "en0": [Addr(socket.AF_INET6, "fe80::1"), Addr(socket.AF_INET, "172.16.4.2")],
        "en1": [Addr(socket.AF_INET, "10.1.1.1")],
    }
    stats = {"lo": Stats(True), "en0": Stats(True), "en1": Stats(False)}
    assert addresses.addresses_from_psutil(if_addrs, stats) == ["172.16.4.2"]


def test_this_machines_addresses_are_its_own_and_not_loopback():
    found = addresses.lan_ipv4_addresses()
    for address in found:
        assert not ipaddress.IPv4Address(address).is_loopback
        with socket.socket() as probe:  # only an address of this machine can be bound
            probe.bind((address, 0))


def test_no_default_route_names_the_lan_address_not_loopback(monkeypatch):
    monkeypatch.setattr(addresses, "route_address", lambda target="": None)
    monkeypatch.setattr(addresses, "lan_ipv4_addresses", lambda: ["10.213.77.1"])
    assert addresses.advertised_address("0.0.0.0", 8000, []) == "http://10.213.77.1:8000"
    assert addresses.reachable_urls("0.0.0.0", 8000) == ["http://10.213.77.1:8000"]


def test_the_route_towards_the_teacher_comes_first(monkeypatch):
    routes = {"10.213.77.1": "10.213.77.5"}
    monkeypatch.setattr(addresses, "route_address", lambda target="x": routes.get(target))
    monkeypatch.setattr(addresses, "lan_ipv4_addresses", lambda: ["172.17.0.1", "10.213.77.5"])
    assert (
        addresses.advertised_address("0.0.0.0", 8001, ["http://10.213.77.1:8000"])
        == "http://10.213.77.5:8001"
    )
    assert addresses.reachable_urls("0.0.0.0", 8001, "http://10.213.77.5:8001") == [
        "http://10.213.77.5:8001",
        "http://172.17.0.1:8001",
    ]


def test_a_machine_with_only_loopback_says_so(monkeypatch):
    monkeypatch.setattr(addresses, "route_address", lambda target="": None)
    monkeypatch.setattr(addresses, "lan_ipv4_addresses", lambda: [])
    assert addresses.reachable_urls("0.0.0.0", 8000) == []
    assert addresses.advertised_address("0.0.0.0", 8000, []) == "http://127.0.0.1:8000"


def test_a_bound_host_is_its_own_address():
    assert addresses.advertised_address("10.0.0.7", 9000, []) == "http://10.0.0.7:9000"
    assert addresses.reachable_urls("10.0.0.7", 9000) == ["http://10.0.0.7:9000"]


def test_a_peer_given_by_name_is_not_resolved(monkeypatch):
    asked = []
    monkeypatch.setattr(
        addresses, "route_address", lambda target="10.255.255.255": asked.append(target) or None
    )
    monkeypatch.setattr(addresses, "lan_ipv4_addresses", lambda: ["10.0.0.2"])
    assert (
        addresses.advertised_address("0.0.0.0", 8000, ["http://teacher.local:8000"])
        == "http://10.0.0.2:8000"
    )
    assert "teacher.local" not in asked


def test_an_advertised_url_comes_first_but_loopback_never(monkeypatch):
    monkeypatch.setattr(addresses, "lan_ipv4_addresses", lambda: ["10.0.0.2"])
    assert addresses.reachable_urls("0.0.0.0", 8000, "http://room.example:80") == [
        "http://room.example:80",
        "http://10.0.0.2:8000",
    ]
    assert addresses.reachable_urls("0.0.0.0", 8000, "http://127.0.0.1:8000") == [
        "http://10.0.0.2:8000"
    ]
