"""Exercises of notebooks 05-08: mining and adding blocks, validation, sync, fork choice."""

from __future__ import annotations

import dataclasses
import random

from ...block import Block
from ..exercises import Case, Exercise
from . import fixtures as fx


def _mine_cases():
    rng = random.Random(20)
    cases = []
    for n in range(6):
        blocks = fx.chain(rng.randint(1, 4), seed=n % 3)
        posts = tuple(fx.post(300 + 4 * n + i) for i in range(rng.randint(0, 3)))
        cases.append((blocks, posts, blocks[-1].timestamp + rng.randint(1, 300)))
    easy = [fx.genesis(0)]
    cases.append(Case((easy, (fx.post(1),), easy[0].timestamp + 5), "a 0-bit chain: nonce 0"))
    return cases


def _broken(parent: Block, child: Block, rule: str, rng: random.Random) -> Block:
    """A copy of ``child`` (a valid child of ``parent``) that breaks ``rule`` and only it."""
    if rule == "index":
        return dataclasses.replace(child, index=child.index + rng.choice((1, 2, -1)))
    if rule == "previous_hash":
        return fx.mine(dataclasses.replace(child, previous_hash=f"{rng.getrandbits(256):064x}"))
    if rule == "timestamp":
        return fx.mine(dataclasses.replace(child, timestamp=parent.timestamp - rng.randint(1, 99)))
    if rule == "difficulty":
        return fx.mine(dataclasses.replace(child, difficulty=child.difficulty - rng.randint(1, 3)))
    for step in range(1, 200):
        wrong = dataclasses.replace(child, nonce=child.nonce + step)
        if not wrong.has_valid_proof():
            return fx.stale(wrong, child.hash)  # it even claims the valid hash
    raise AssertionError("no failing nonce")


RULES = ("index", "previous_hash", "timestamp", "difficulty", "proof")


def _refusal_cases():
    rng = random.Random(21)
    blocks = fx.chain(6, seed=2)
    cases = [Case((blocks[i - 1], blocks[i], fx.BITS), f"valid block #{i}") for i in (1, 3, 5)]
    for n in range(15):
        i = rng.randrange(1, 6)
        rule = RULES[n % 5]
        cases.append(
            Case(
                (blocks[i - 1], _broken(blocks[i - 1], blocks[i], rule, rng), fx.BITS),
                f"block #{i} breaking the {rule} rule",
            )
        )
    both = dataclasses.replace(blocks[2], index=9, timestamp=0)
    cases.append(Case((blocks[1], both, fx.BITS), "a block breaking index AND timestamp"))
    same_time = fx.mine(dataclasses.replace(blocks[3], timestamp=blocks[2].timestamp))
    cases.append(
        Case((blocks[2], same_time, fx.BITS), "the same timestamp as its parent (allowed)")
    )
    return cases


def _invalid_chains():
    rng = random.Random(22)
    cases = [
        Case((fx.chain(5, seed=1), fx.BITS), "a valid chain"),
        Case((fx.chain(1, seed=1), fx.BITS), "the genesis block alone"),
    ]
    for n in range(12):
        blocks = fx.chain(rng.randint(3, 7), seed=n % 4)
        i = rng.randrange(1, len(blocks))
        rule = RULES[n % 5]
        blocks[i] = _broken(blocks[i - 1], blocks[i], rule, rng)
        if rule != "previous_hash" and rule != "index" and i + 1 < len(blocks):
            for j in range(i + 1, len(blocks)):  # re-link the rest: only block i is wrong
                relinked = dataclasses.replace(blocks[j], previous_hash=blocks[j - 1].hash)
                blocks[j] = fx.mine(relinked)
        cases.append(Case((blocks, fx.BITS), f"{len(blocks)} blocks, #{i} breaks {rule}"))
    return cases


def _chain_replies():
    rng = random.Random(23)
    cases = []
    for _ in range(8):
        length = rng.randint(1, 30)
        cases.append(
            (
                {
                    "length": length,
                    "chain": [{}] * length,
                    "peers": ["http://127.0.0.1:8001"] * rng.randint(0, 2),
                },
            )
        )
    return cases


def _hash_lists():
    rng = random.Random(24)
    base = [f"{rng.getrandbits(256):064x}" for _ in range(12)]
    cases = [
        Case((base[:5], base[:5]), "the same chain"),
        Case((base[:3], base[:7]), "ours is a prefix of theirs"),
        Case((base[:8], base[:2]), "theirs is a prefix of ours"),
    ]
    for _ in range(8):
        at = rng.randint(1, 9)
        theirs = base[:at] + [f"{rng.getrandbits(256):064x}" for _ in range(rng.randint(1, 4))]
        cases.append(Case((base[: rng.randint(at, 12)], theirs), f"forked at {at}"))
    return cases


def _block_dicts():
    rng = random.Random(25)
    blocks = fx.chain(6, seed=3)
    cases = [Case((b.to_dict(),), f"block #{b.index} as sent") for b in blocks[1:]]
    for n, field in enumerate(("nonce", "timestamp", "content", "previous_hash", "author")):
        data = blocks[rng.randrange(1, 6)].to_dict()
        if field in ("content", "author"):
            if not data["transactions"]:
                data["transactions"] = [fx.post(700 + n).to_dict()]
            data["transactions"][0][field] = "tampered"
        elif field == "previous_hash":
            data[field] = "cd" * 32
        else:
            data[field] += 1
        cases.append(Case((data,), f"a block whose {field} was altered on its way"))
    return cases


def _branches():
    """(ours, theirs) pairs: lighter-but-longer, heavier-but-shorter, ties both ways."""
    base = fx.chain(4, seed=5)
    pairs = [
        (
            fx.fork(base, 2, 4, seed=1),
            fx.fork(base, 2, 2, seed=2, bits=fx.BITS + 2),
            "theirs is shorter but heavier",
        ),
        (
            fx.fork(base, 2, 2, seed=3, bits=fx.BITS + 2),
            fx.fork(base, 2, 5, seed=4),
            "theirs is longer but lighter",
        ),
        (base, fx.fork(base, 4, 1, seed=5), "theirs is ours plus one block"),
        (base, list(base), "the same chain"),
        (fx.fork(base, 2, 3, seed=6), fx.fork(base, 1, 3, seed=7), "theirs is 1 block longer"),
    ]
    a, b = fx.fork(base, 3, 2, seed=8), fx.fork(base, 3, 2, seed=9)
    low, high = (a, b) if a[-1].hash < b[-1].hash else (b, a)
    pairs += [
        (high, low, "equal work, their tip hash is lower"),
        (low, high, "equal work, their tip hash is higher"),
    ]
    return pairs


def _pairs():
    return [Case((ours, theirs), label) for ours, theirs, label in _branches()]


def _work_cases():
    cases = [Case((fx.chain(n, seed=n),), f"{n} blocks of {fx.BITS} bits") for n in (1, 3, 6)]
    cases += [Case((theirs,), label) for _, theirs, label in _branches()[:2]]
    mixed = [dataclasses.replace(fx.genesis(), difficulty=d) for d in (0, 1, 5, 20, 3)]
    cases.append(Case((mixed,), "difficulties 0, 1, 5, 20, 3"))
    return cases


def _switch_cases():
    cases = []
    for n, (ours, theirs, label) in enumerate(_branches()):
        pool = [fx.post(900 + n)]
        mine = [p for b in theirs[2:3] for p in b.transactions]
        cases.append(
            Case((ours, theirs, pool + mine), label + "; our pool holds a post they mined")
        )
    return cases


def _same_switch(got, expected) -> bool:
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return False
    chain, pool = got
    try:
        return list(chain) == list(expected[0]) and sorted(p.id for p in pool) == sorted(
            p.id for p in expected[1]
        )
    except (AttributeError, TypeError):
        return False


def _healths():
    rng = random.Random(26)
    tips = [f"{rng.getrandbits(256):064x}" for _ in range(4)]
    cases = [Case(([{"tip": tips[0]}],), "one node")]
    for n in range(10):
        count = rng.randint(2, 6)
        chosen = [rng.choice(tips[: 1 + n % 3]) for _ in range(count)]
        cases.append(([{"tip": t, "height": rng.randint(0, 9)} for t in chosen],))
    return cases


def _orphan_cases():
    return [Case((ours, theirs), label) for ours, theirs, label in _branches()]


def _peer_cases():
    rng = random.Random(27)
    cases = []
    for _ in range(12):
        our_work = rng.randint(1, 8) * 256
        our_tip = f"{rng.getrandbits(256):064x}"
        healths = [
            {
                "url": f"http://127.0.0.1:{8000 + i}",
                "total_work": our_work + rng.choice((-256, 0, 0, 256, 512)),
                "tip": rng.choice((our_tip, f"{rng.getrandbits(256):064x}")),
            }
            for i in range(rng.randint(0, 4))
        ]
        cases.append((our_work, our_tip, healths))
    return cases


EXERCISES = {
    "mine_block": Exercise(
        (
            "build the template: Block(tip.index + 1, timestamp, tip.hash, tip.difficulty, "
            "tuple(posts), 0)",
            "loop nonce = 0, 1, …: hash template.header_prefix() + str(nonce).encode() until it "
            "meets tip.difficulty bits (or call your find_nonce)",
            "return template.with_nonce(nonce)",
        ),
        _mine_cases,
        idea="the proof-of-work loop and adding a block",
        notebook="05",
        reference="edu_chain.chain.Blockchain.mine",
        time_limit=10.0,
        prompt=(
            "Mine the next block yourself: build it on the tip with the pending posts "
            "(`from edu_chain.block import Block`), then run your proof-of-work loop on "
            "it: `block.header_prefix()` gives the bytes before the nonce."
        ),
    ),
    "block_refusal": Exercise(
        (
            "check the rules in the order given and return the name of the first that fails",
            "the link: block.index == parent.index + 1 and block.previous_hash == parent.hash",
            "the proof: compute the hash from block.header_prefix() + str(block.nonce).encode(); "
            "never use block.hash",
        ),
        _refusal_cases,
        idea="adding a block (link and proof checks)",
        notebook="05",
        reference="edu_chain.chain.Blockchain.check_block",
        prompt=(
            "The rules a node applies before it adds a block: the link (index and previous "
            "hash), time, difficulty and proof. Name the first rule broken, so that a peer "
            "can be told why. Notebook 14 runs this function inside a real node."
        ),
    ),
    "first_invalid_block": Exercise(
        (
            "for i in range(1, len(blocks)): check blocks[i] against blocks[i - 1]",
            "reuse your block_refusal: the first i where it returns a rule gives (i, rule)",
        ),
        _invalid_chains,
        idea="whole-chain validation naming the bad block and rule",
        notebook="05",
        reference="edu_chain.chain.Blockchain.validate_chain",
        prompt=(
            "Validate a whole chain a peer sent, block by block, and say which block is bad "
            "and which rule it broke — as `Blockchain.validate_chain` does."
        ),
    ),
    "height_from_chain_json": Exercise(
        "GET /chain answers {'length': …, 'chain': […], 'peers': […]}; the genesis block "
        "has height 0",
        _chain_replies,
        notebook="06",
        reference="edu_chain.network.client.NodeClient.chain",
        prompt=("Read a node's height from the JSON of its `GET /chain`."),
    ),
    "fork_point": Exercise(
        (
            "walk both lists together from height 0",
            "stop at the first height where the hashes differ or one list ends",
        ),
        _hash_lists,
        idea="syncing: where two chains part",
        notebook="06",
        reference="edu_chain.chain.Blockchain._fork_index",
        prompt=(
            "Where do two chains part? A syncing node fetches only the blocks after that "
            "height, not the whole chain."
        ),
    ),
    "block_from_json": Exercise(
        (
            "rebuild the posts: Post(p['author'], p['content'], p['timestamp'], "
            "p.get('public_key'), p.get('signature'))",
            "rebuild Block(index, timestamp, previous_hash, difficulty, posts, nonce) and compare "
            "its computed .hash with data['hash']",
        ),
        _block_dicts,
        idea="the block hash, checked on data from the network",
        notebook="06",
        reference="edu_chain.block.Block.from_dict",
        prompt=(
            "A peer sends a block as JSON. Rebuild it (`from edu_chain.block import Block`, "
            "`from edu_chain.transactions import Post`) and refuse it (return `None`) if "
            "what it claims is not what it is: the check alters nonces, times, links and "
            "posts on the way."
        ),
    ),
    "chain_work": Exercise(
        "a block of d bits costs 2 ** d hashes on average; add them up over the blocks",
        _work_cases,
        idea="cumulative work",
        notebook="07",
        reference="edu_chain.chain.Blockchain.total_work",
        prompt=(
            "How much work does a chain hold? Not its length: a block of d bits costs 2**d "
            "hashes on average."
        ),
    ),
    "prefer": Exercise(
        (
            "compare cumulative work (your chain_work), not lengths",
            "on equal work, prefer theirs only if theirs[-1].hash < ours[-1].hash; the same chain "
            "is never preferred",
        ),
        _pairs,
        idea="the fork-choice rule",
        notebook="07",
        reference="edu_chain.chain.Blockchain.prefers",
        prompt=(
            "The fork-choice rule every node must share: more cumulative work wins; on equal "
            "work, the lower tip hash, so that all nodes pick the same branch at once. "
            "Notebook 14 runs this rule in a node."
        ),
    ),
    "switch_chain": Exercise(
        (
            "if not prefer(ours, theirs): return list(ours), list(pool)",
            "find the fork point: the first height where ours[h].hash != theirs[h].hash",
            "the new pool: pool posts not in theirs, then the posts of ours[fork:] not in theirs "
            "(compare post.id)",
        ),
        _switch_cases,
        compare=_same_switch,
        idea="switching to a better chain, returning orphaned posts",
        notebook="07",
        reference="edu_chain.chain.Blockchain.consider_chain",
        prompt=(
            "Switch to the better chain without losing a post: the posts of our dropped "
            "blocks that the new chain lacks go back to the pool, and pool posts the new "
            "chain confirms leave it."
        ),
    ),
    "all_agree": Exercise(
        "collect the 'tip' of every health answer in a set: they agree when it has one element",
        _healths,
        notebook="08",
        reference="edu_chain.lab.network.LocalNetwork.converged",
        prompt=("Has the network converged? Look at every node's `/health`."),
    ),
    "orphaned_posts": Exercise(
        (
            "find the fork point as in switch_chain",
            "keep each post of ours[fork:] whose id is in none of theirs' blocks",
        ),
        _orphan_cases,
        idea="orphaned posts back to the pool",
        notebook="08",
        reference="edu_chain.chain.ChainUpdate.returned_posts",
        prompt=(
            "After a partition heals, one side's blocks are dropped. Which of their posts "
            "must go back to the pool?"
        ),
    ),
    "best_peer": Exercise(
        (
            "a peer beats us when its total_work is larger, or equal with a lower tip hash",
            "among those that beat us, keep the best by the same rule; None if none beats us",
        ),
        _peer_cases,
        idea="the fork-choice rule across peers",
        notebook="08",
        reference="edu_chain.network.service.Node._is_ahead",
        prompt=(
            "A node asks each peer's `/health` for its total work and tip. Which peer should "
            "it sync from — if any?"
        ),
    ),
}
