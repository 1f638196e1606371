import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from edu_chain import Blockchain, NetworkParams, Store, StoreError

from .chainutil import grow, make_post


def test_reopening_restores_the_same_tip_and_pool(tmp_path, params):
    path = tmp_path / "node.sqlite3"
    chain = grow(Blockchain(params, Store(path)), 3)
    chain.add_post(make_post(50))
    chain.add_post(make_post(51))
    tip, pool = chain.tip.hash, [p.id for p in chain.pending_posts()]
    chain.store.close()
    again = Blockchain(params, Store(path))
    assert again.tip.hash == tip and again.height == 3
    assert [p.id for p in again.pending_posts()] == pool


def test_reopening_after_a_reorganisation_keeps_the_new_chain_and_orphans(tmp_path, params):
    path = tmp_path / "node.sqlite3"
    ours = grow(Blockchain(params, Store(path)), 1)
    theirs = grow(Blockchain(params), 2, author="bob")
    assert ours.consider_chain(theirs.blocks).adopted
    ours.store.close()
    again = Blockchain(None, Store(path))
    assert again.tip.hash == theirs.tip.hash and again.params == params
    assert [p.id for p in again.pending_posts()] == [make_post(0).id]


def test_store_of_another_network_is_refused(tmp_path):
    path = tmp_path / "node.sqlite3"
    Blockchain(NetworkParams(difficulty=6), Store(path)).store.close()
    with pytest.raises(StoreError, match="belongs to a network with 6-bit"):
        Blockchain(NetworkParams(difficulty=7), Store(path))


def test_a_file_that_is_not_a_store_gives_a_clear_error(tmp_path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(path)


WRITER = textwrap.dedent("""
    import sys
    from edu_chain import Blockchain, NetworkParams, Post, Store
    chain = Blockchain(NetworkParams(difficulty=4), Store(sys.argv[1]))
    n = 0
    while True:
        chain.add_post(Post("w", f"post {n}", 1767225600 + n)); n += 1
        if n % 3 == 0:
            chain.mine()
        print(chain.height, len(chain.pending), flush=True)
""")


def test_sigkill_mid_write_loses_nothing_committed_and_corrupts_nothing(tmp_path):
    path = tmp_path / "node.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    last = None
    deadline = time.monotonic() + 20
    try:
        for line in writer.stdout:
            last = tuple(map(int, line.split()))
            if last[0] >= 15 or time.monotonic() > deadline:
                break
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=10)
        writer.stdout.close()
    assert last is not None, "the writer printed nothing"
    reopened = Blockchain(None, Store(path))  # validates the whole stored chain
    assert reopened.height >= last[0]  # every reported block survived
    ids = [b.transactions[i].id for b in reopened.blocks[1:] for i in range(len(b.transactions))]
    assert len(ids) == len(set(ids))
