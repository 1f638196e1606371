"""Nodes as separate processes, started with the command line and served by waitress."""

import os
import signal
import subprocess
import sys

import pytest
import requests

from .netutil import free_port, wait_for


def start_node(port, data_dir, *extra):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "edu_chain",
            "node",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            "--difficulty",
            "10",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: _up(url) or process.poll() is not None, 20, f"node on {port} to start")
    if process.poll() is not None:
        raise AssertionError(f"node exited: {process.stdout.read()}")
    return process, url


def _up(url):
    try:
        return requests.get(f"{url}/health", timeout=1).ok
    except requests.RequestException:
        return False


@pytest.fixture
def processes():
    started = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def test_cli_nodes_sync_and_survive_sigkill(tmp_path, processes):
    port_a, port_b = free_port(), free_port()
    a, url_a = start_node(port_a, tmp_path / "a")
    processes.append(a)
    b, url_b = start_node(port_b, tmp_path / "b", "--peer", url_a)
    processes.append(b)
    wait_for(
        lambda: url_b in requests.get(f"{url_a}/peers", timeout=2).json()["peers"],
        10,
        "A to learn B",
    )
    requests.post(f"{url_a}/new_transaction", json={"author": "a", "content": "one"}, timeout=5)
    wait_for(
        lambda: len(requests.get(f"{url_b}/pending_tx", timeout=2).json()) == 1,
        10,
        "the post to reach B",
    )
    assert requests.get(f"{url_b}/mine", timeout=30).text == "Block #1 is mined."
    wait_for(
        lambda: requests.get(f"{url_a}/health", timeout=2).json()["height"] == 1,
        10,
        "A to get B's block",
    )
    requests.post(f"{url_b}/new_transaction", json={"author": "b", "content": "pending"}, timeout=5)
    before = requests.get(f"{url_b}/health", timeout=2).json()
    pool = requests.get(f"{url_b}/pending_tx", timeout=2).json()
    os.kill(b.pid, signal.SIGKILL)
    b.wait(timeout=10)
    b2, _ = start_node(port_b, tmp_path / "b")
    processes.append(b2)
    after = requests.get(f"{url_b}/health", timeout=2).json()
    assert (after["height"], after["tip"]) == (before["height"], before["tip"])
    assert requests.get(f"{url_b}/pending_tx", timeout=2).json() == pool


def test_ctrl_c_stops_a_node_cleanly(tmp_path):
    process, _ = start_node(free_port(), tmp_path / "n")
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=15)
    assert process.returncode == 0 and "node stopped; its chain is saved" in output


def test_a_busy_port_gives_a_clear_message(tmp_path, processes):
    port = free_port()
    first, _ = start_node(port, tmp_path / "a")
    processes.append(first)
    second = subprocess.run(
        [
            sys.executable,
            "-m",
            "edu_chain",
            "node",
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path / "b"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert second.returncode == 2 and "is another node using that port?" in second.stderr


def test_a_data_dir_of_another_difficulty_is_refused(tmp_path, processes):
    first, _ = start_node(free_port(), tmp_path / "a")
    first.send_signal(signal.SIGINT)
    first.wait(timeout=15)
    other = subprocess.run(
        [
            sys.executable,
            "-m",
            "edu_chain",
            "node",
            "--port",
            str(free_port()),
            "--data-dir",
            str(tmp_path / "a"),
            "--difficulty",
            "12",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert other.returncode == 2 and "belongs to a network with 10-bit" in other.stderr


def test_network_command_runs_linked_nodes_and_stops_on_sigterm():
    import random

    for _ in range(5):  # ports outside the ephemeral range, retried if another test took one
        base = random.randint(20000, 29990)
        if any(not _port_free(base + i) for i in range(3)):
            continue
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "edu_chain",
                "network",
                "--nodes",
                "3",
                "--base-port",
                str(base),
                "--difficulty",
                "8",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        urls = [f"http://127.0.0.1:{base + i}" for i in range(3)]
        wait_for(
            lambda urls=urls, process=process: (
                all(_up(u) for u in urls) or process.poll() is not None
            ),
            20,
            "three nodes",
        )
        if process.poll() is None:
            break
        assert "cannot listen" in process.stdout.read()
    try:
        assert all(len(requests.get(f"{u}/peers", timeout=2).json()["peers"]) == 2 for u in urls)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
    assert process.returncode == 0 and "node C: " + urls[2] in output
    assert "network stopped" in output


def _port_free(port):
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_app_command_serves_the_page_and_stops_on_sigterm(tmp_path, processes):
    node, url = start_node(free_port(), tmp_path / "n")
    processes.append(node)
    port = free_port()
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "edu_chain",
            "app",
            "--node",
            url,
            "--port",
            str(port),
            "--keys",
            str(tmp_path / "keys"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = wait_for(lambda: _get(f"http://127.0.0.1:{port}/"), 20, "the posts app")
        assert "edu_chain posts" in page and url in page
    finally:
        app.send_signal(signal.SIGTERM)
        app.communicate(timeout=15)
    assert app.returncode == 0


def _get(url):
    try:
        reply = requests.get(url, timeout=2)
        return reply.text if reply.ok else None
    except requests.RequestException:
        return None


def _peers(url):
    try:
        return requests.get(f"{url}/peers", timeout=2).json()["peers"]
    except requests.RequestException:
        return []


def _height(url):
    return requests.get(f"{url}/health", timeout=2).json()["height"]


def _a_teacher_who_knows_a_student(tmp_path, processes):
    port_t = free_port()
    teacher, url_t = start_node(port_t, tmp_path / "t")
    processes.append(teacher)
    student, url_s = start_node(free_port(), tmp_path / "s", "--peer", url_t)
    processes.append(student)
    wait_for(lambda: url_s in _peers(url_t), 10, "the teacher to learn the student")
    return port_t, teacher, url_t, url_s


def test_a_killed_teacher_restarted_finds_its_room_again_by_itself(tmp_path, processes):
    port_t, teacher, url_t, url_s = _a_teacher_who_knows_a_student(tmp_path, processes)
    os.kill(teacher.pid, signal.SIGKILL)
    teacher.wait(timeout=10)
    requests.post(
        f"{url_s}/new_transaction", json={"author": "s", "content": "while away"}, timeout=5
    )
    assert requests.get(f"{url_s}/mine", timeout=30).text == "Block #1 is mined."
    again, _ = start_node(port_t, tmp_path / "t")  # no --peer: it remembers
    processes.append(again)
    wait_for(
        lambda: url_s in _peers(url_t) and _height(url_t) == 1,
        10,
        "the restarted teacher to rejoin its student and catch up",
    )


def test_a_student_started_before_the_teacher_joins_when_it_comes(tmp_path, processes):
    port_t = free_port()
    url_t = f"http://127.0.0.1:{port_t}"
    student, url_s = start_node(free_port(), tmp_path / "s", "--peer", url_t)
    processes.append(student)
    import time

    time.sleep(3)  # several failed attempts
    teacher, _ = start_node(port_t, tmp_path / "t")
    processes.append(teacher)
    wait_for(
        lambda: url_t in _peers(url_s) and url_s in _peers(url_t),
        10,
        "the student to join the late teacher",
    )
    student.send_signal(signal.SIGINT)
    output, _ = student.communicate(timeout=15)
    assert f"cannot join {url_t} yet" in output and f"joined {url_t}" in output


def test_a_teacher_restarted_with_no_saved_peers_learns_its_students_back(tmp_path, processes):
    port_t, teacher, url_t, url_s = _a_teacher_who_knows_a_student(tmp_path, processes)
    teacher.send_signal(signal.SIGINT)
    teacher.wait(timeout=15)
    again, _ = start_node(port_t, tmp_path / "t-new")  # a fresh data directory
    processes.append(again)
    assert url_s not in _peers(url_t)
    wait_for(lambda: url_s in _peers(url_t), 30, "the student's calls to teach it back")
