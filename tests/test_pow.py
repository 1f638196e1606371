import threading

import pytest

from edu_chain import Block, MiningStopped, solve
from edu_chain.block import ZERO_HASH
from edu_chain.pow import MiningPool, scan

from .chainutil import T0


def test_scan_returns_the_first_winning_nonce():
    block = Block(1, T0, ZERO_HASH, 10)
    nonce = scan(block.header_prefix(), 10, 0, 1 << 20)
    assert block.with_nonce(nonce).has_valid_proof()
    assert not any(block.with_nonce(n).has_valid_proof() for n in range(nonce))


def test_single_worker_is_deterministic_and_counts_attempts():
    result = solve(Block(1, T0, ZERO_HASH, 10))
    assert result.block.has_valid_proof()
    assert result.attempts == result.block.nonce + 1 and result.workers == 1


def test_two_workers_find_a_valid_nonce_and_report_progress():
    seen = []
    result = solve(Block(1, T0, ZERO_HASH, 16), workers=2, progress=seen.append)
    assert result.block.has_valid_proof() and result.workers == 2
    assert seen and seen[-1] == result.hashes >= result.attempts > 0
    assert result.attempts == result.block.nonce + 1


@pytest.mark.parametrize("workers", [1, 2])
def test_mining_can_be_stopped_from_outside(workers):
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    with pytest.raises(MiningStopped, match="stopped after") as caught:
        solve(Block(1, T0, ZERO_HASH, 60), workers=workers, stop=stop)
    assert caught.value.attempts > 0


def test_bad_worker_count_is_refused():
    with pytest.raises(ValueError, match="workers must be at least 1"):
        solve(Block(1, T0, ZERO_HASH, 4), workers=0)


def test_a_split_search_finds_the_nonce_one_worker_finds_at_every_difficulty():
    # The theory of the split search: chunks dealt round-robin, and no answer until every
    # chunk before the winning one is scanned, so the winner is the smallest winning nonce
    # and the attempts (its position in nonce order) are geometric whatever the workers.
    for workers in (2, 3):
        with MiningPool(workers) as pool:
            for bits in range(1, 13):
                for timestamp in range(T0, T0 + 4):
                    block = Block(1, timestamp, ZERO_HASH, bits)
                    alone, split = solve(block), solve(block, pool=pool)
                    assert split.block.nonce == alone.block.nonce, (workers, bits, timestamp)
                    assert split.attempts == alone.attempts and split.workers == workers
                    assert split.hashes >= split.attempts  # the others' unfinished chunks


def test_a_pool_keeps_its_processes_between_blocks_and_stops_them_on_close():
    with MiningPool(2) as pool:
        before = [p.pid for p in pool._processes]
        for timestamp in range(T0, T0 + 20):
            solve(Block(1, timestamp, ZERO_HASH, 6), pool=pool)
        assert [p.pid for p in pool._processes] == before
        processes = list(pool._processes)
    assert not any(p.is_alive() for p in processes)


def test_a_stopped_pool_search_leaves_the_pool_usable():
    stop = threading.Event()
    with MiningPool(2) as pool:
        threading.Timer(0.2, stop.set).start()
        with pytest.raises(MiningStopped):
            solve(Block(1, T0, ZERO_HASH, 60), pool=pool, stop=stop)
        block = Block(1, T0, ZERO_HASH, 10)
        assert solve(block, pool=pool).block.nonce == solve(block).block.nonce


def test_a_worker_that_dies_ends_the_search_with_a_clear_error():
    with MiningPool(2) as pool:
        pool._processes[1].terminate()
        with pytest.raises(MiningStopped, match="a mining worker exited"):
            solve(Block(1, T0, ZERO_HASH, 40), pool=pool)
        with pytest.raises(MiningStopped, match="pool is closed"):
            solve(Block(1, T0, ZERO_HASH, 4), pool=pool)
