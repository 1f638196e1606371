import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edu_chain import (
    Block,
    Blockchain,
    DuplicatePost,
    InvalidBlock,
    InvalidChain,
    InvalidPost,
    NetworkParams,
    Post,
    UnlinkedBlock,
    mine,
)

from .chainutil import T0, grow, make_post


def test_genesis_is_identical_for_equal_params_and_differs_otherwise():
    assert (
        Blockchain(NetworkParams(difficulty=6)).tip.hash
        == Blockchain(NetworkParams(difficulty=6)).tip.hash
    )
    assert (
        Blockchain(NetworkParams(difficulty=6)).tip.hash
        != Blockchain(NetworkParams(difficulty=7)).tip.hash
    )


def test_mining_moves_posts_from_pool_to_chain(chain):
    chain.add_post(make_post(1))
    block = chain.mine()
    assert block.index == 1 and block.has_valid_proof()
    assert chain.pending_posts() == [] and chain.confirmed_height(make_post(1).id) == 1
    assert chain.mine() is None  # nothing to mine


def test_pool_refuses_duplicates_and_confirmed_posts(chain):
    chain.add_post(make_post(1))
    with pytest.raises(DuplicatePost, match="already pending"):
        chain.add_post(make_post(1))
    chain.mine()
    with pytest.raises(DuplicatePost, match="already on the chain in block #1"):
        chain.add_post(make_post(1))


def test_add_block_checks_each_rule(chain):
    chain.add_post(make_post(1))
    template = chain.new_block()
    good = mine(template)
    cases = {
        "no valid proof of work": next(
            b for n in range(1000) if not (b := template.with_nonce(n)).has_valid_proof()
        ),
        "difficulty is 5 bits": mine(dataclasses.replace(template, difficulty=5)),
        "earlier than its parent": mine(dataclasses.replace(template, timestamp=T0 - 1)),
        "in the future": mine(dataclasses.replace(template, timestamp=2**40)),
    }
    for message, block in cases.items():
        with pytest.raises(InvalidBlock, match=message):
            chain.add_block(block)
    with pytest.raises(UnlinkedBlock, match="does not extend our tip"):
        chain.add_block(mine(dataclasses.replace(template, previous_hash="ab" * 32)))
    assert chain.height == 0 and len(chain.pending_posts()) == 1  # nothing changed
    chain.add_block(good)
    assert chain.height == 1


def test_block_replaying_a_confirmed_post_is_refused(chain):
    grow(chain, 1)
    replay = mine(Block(2, chain.tip.timestamp, chain.tip.hash, 6, (make_post(0),)))
    with pytest.raises(InvalidBlock, match="already in an earlier block"):
        chain.add_block(replay)


def test_validate_chain_names_the_first_bad_block(chain):
    grow(chain, 4)
    blocks = list(chain.blocks)
    # a rewrite whose hash lacks the proof (1 in 64 would keep it by luck at 6 bits)
    blocks[2] = next(
        forged
        for n in range(100)
        if not (
            forged := dataclasses.replace(
                blocks[2], transactions=(Post("mallory", f"rewritten {n}", T0),)
            )
        ).has_valid_proof()
    )
    with pytest.raises(InvalidChain) as caught:
        chain.validate_chain(blocks)
    assert caught.value.bad_index == 2 and "block #2" in str(caught.value)


def test_longer_chain_with_less_work_loses_to_shorter_heavier():
    # With retargeting, fast blocks raise the difficulty and slow blocks lower it,
    # so a chain can be longer and yet have cost fewer hashes.
    params = NetworkParams(difficulty=6, retarget_interval=2, target_block_seconds=100)
    heavy, light = Blockchain(params), Blockchain(params)
    for n in range(2):
        heavy.add_post(make_post(100 + n))
        heavy.mine(timestamp=T0 + 1 + n)
    for n in range(4):
        light.add_post(make_post(n))
        light.mine(timestamp=T0 + 1000 * (n + 1))
    assert [b.difficulty for b in heavy.blocks] == [6, 6, 8]
    assert [b.difficulty for b in light.blocks] == [6, 6, 4, 4, 2]
    assert len(light) > len(heavy) and heavy.total_work > light.total_work
    assert not heavy.consider_chain(light.blocks).adopted
    update = light.consider_chain(heavy.blocks)
    assert update.adopted and light.tip.hash == heavy.tip.hash
    assert len(update.returned_posts) == 4 and len(light.pending_posts()) == 4


def test_less_work_is_refused_and_equal_work_is_broken_by_the_lower_tip_hash(params):
    ours = grow(Blockchain(params), 3)
    theirs = grow(Blockchain(params), 2, author="bob")
    update = ours.consider_chain(theirs.blocks)
    assert not update.adopted and "less work" in update.reason and ours.height == 3
    a, b = grow(Blockchain(params), 1, author="a"), grow(Blockchain(params), 1, author="b")
    low, high = sorted([a, b], key=lambda c: c.tip.hash)
    assert not low.consider_chain(high.blocks).adopted
    assert high.consider_chain(low.blocks).adopted and high.tip.hash == low.tip.hash


def test_reorganisation_returns_orphaned_posts_and_drops_confirmed_ones(params):
    ours = grow(Blockchain(params), 2)  # posts 0, 1 by alice
    theirs = Blockchain(params)
    theirs.add_post(make_post(1))  # shares alice's post 1
    theirs.add_post(make_post(7, "bob"))
    theirs.mine()
    grow(theirs, 2, author="bob", start=20)
    ours.add_post(make_post(20, "bob"))  # pending here, confirmed there
    update = ours.consider_chain(theirs.blocks)
    assert update.adopted and update.fork_index == 1
    assert [p.content for p in update.returned_posts] == ["post number 0"]
    pending = {p.id for p in ours.pending_posts()}
    assert make_post(0).id in pending  # orphaned post is back
    assert make_post(20, "bob").id not in pending  # the new chain confirms it
    assert ours.confirmed_height(make_post(1).id) == 1


def test_chain_of_another_network_is_refused(chain):
    other = grow(Blockchain(NetworkParams(difficulty=7)), 2)
    with pytest.raises(InvalidChain, match="another network"):
        chain.consider_chain(other.blocks)


def test_forged_post_is_refused_by_pool_and_in_blocks(chain):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    signed = Post.signed("alice", "genuine", Ed25519PrivateKey.generate(), T0)
    forged = Post(signed.author, "altered", signed.timestamp, signed.public_key, signed.signature)
    with pytest.raises(InvalidPost, match="signature does not match"):
        chain.add_post(forged)
    block = mine(Block(1, T0 + 5, chain.tip.hash, 6, (forged,)))
    with pytest.raises(InvalidBlock, match="signature does not match"):
        chain.add_block(block)


@pytest.fixture(scope="module")
def valid():
    """Four mined blocks, mined once for the module when a test first needs them."""
    return grow(Blockchain(NetworkParams(difficulty=6)), 4)


FIELDS = ["index", "timestamp", "previous_hash", "nonce", "difficulty", "transactions"]


def _altered(value, data):
    if isinstance(value, bool) or value is None:
        return not value
    if isinstance(value, int):
        return value + data.draw(st.integers(1, 1000))
    if isinstance(value, str):
        return ("1" if value[0] == "0" else "0") + value[1:]
    if isinstance(value, list):  # change one post's content
        posts = [dict(p) for p in value]
        posts[0]["content"] += data.draw(st.text(min_size=1, max_size=5))
        posts[0].pop("id")
        return posts
    raise AssertionError(value)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_change_to_any_field_of_any_block_is_detected(valid, data):
    height = data.draw(st.integers(0, valid.height), label="block")
    name = data.draw(st.sampled_from(FIELDS), label="field")
    dicts = [b.to_dict() for b in valid.blocks]
    dicts[height][name] = _altered(dicts[height][name], data)
    # as received over the network (the dict still claims the old hash) ...
    with pytest.raises((InvalidBlock, InvalidChain)):
        valid.validate_chain([Block.from_dict(d) for d in dicts])
    # ... and rebuilt without the claimed hash: the link or the proof breaks
    del dicts[height]["hash"], dicts[height]["merkle_root"]
    try:
        rebuilt = [Block.from_dict(d) for d in dicts]
    except InvalidBlock:
        return
    # Only the tip can be re-mined by luck into another valid block; everything else must fail.
    lucky_tip = height == valid.height and rebuilt[height].has_valid_proof()
    if not lucky_tip or name in ("index", "previous_hash", "difficulty"):
        with pytest.raises(InvalidChain):
            valid.validate_chain(rebuilt)


def test_the_switch_message_says_whether_work_or_the_tie_break_decided(params):
    base = grow(Blockchain(params), 1)
    a, b = Blockchain(params), Blockchain(params)
    for chain in (a, b):
        chain.consider_chain(base.blocks)
    a.add_post(make_post(100, "ann"))
    a.mine(timestamp=T0 + 1000)
    b.add_post(make_post(200, "bob"))
    b.mine(timestamp=T0 + 1000)
    loser, winner = (a, b) if b.tip.hash < a.tip.hash else (b, a)
    tie = loser.consider_chain(winner.blocks)
    assert tie.adopted and "tie-break" in tie.reason and "more work" not in tie.reason
    winner.mine(timestamp=T0 + 2000, allow_empty=True)
    more = loser.consider_chain(winner.blocks)
    assert more.adopted and "more work" in more.reason
