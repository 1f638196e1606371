import threading

import pytest

from edu_chain import Block, MiningStopped, solve
from edu_chain.block import ZERO_HASH
from edu_chain.pow import scan

from .conftest import T0


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
    assert seen and seen[-1] == result.attempts > 0


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
