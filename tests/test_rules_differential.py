"""One rule list for every node: a learner's node with the reference functions behaves
exactly like a reference node, on random and crafted blocks (a block 3 hours in the future
included, which the learner's node accepted while it rebuilt the block rules itself); and a
rule added to ``rules.BLOCK_RULES`` reaches the chain, a node's door, the miner and the
learner's node with nothing else to edit."""

import dataclasses
import random

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edu_chain import Blockchain, NetworkParams, Post, rules
from edu_chain.block import Block
from edu_chain.errors import InvalidBlock, InvalidChain
from edu_chain.lab.course.student_node import Rules, StudentChain
from edu_chain.ledger import OutPoint, Output, Transaction, TxInput, coinbase
from edu_chain.pow import mine

T0 = 1767225600
NOW = T0 + 30 * 86_400  # the clock of both nodes: a month after the genesis
HOUR = 3600
PARAMS = (
    NetworkParams(difficulty=8),
    NetworkParams(difficulty=6, retarget_interval=4, target_block_seconds=60),
)


def _pair(params):
    clock = lambda: NOW  # noqa: E731 - a fixed clock: the same "now" for both nodes
    return Blockchain(params, clock=clock), StudentChain(Rules(), params, clock=clock)


def _grown(params, seed):
    """A reference chain of 9 blocks with posts, and the same chain in a learner's node."""
    rng = random.Random(seed)
    reference, student = _pair(params)
    for n in range(8):
        for k in range(rng.randint(0, 2)):
            reference.add_post(Post("alice", f"post {seed}.{n}.{k}", T0 + 100 * n + k))
        stamp = reference.tip.timestamp + rng.choice((1, 5, 30, 90, 400))
        reference.mine(timestamp=stamp, allow_empty=True)
    assert student.consider_chain(reference.blocks).adopted
    assert student.tip.hash == reference.tip.hash
    return reference, student


def _verdict(chain, block):
    """'accepted' or 'refused' for ``block`` as the next block of ``chain`` (nothing changes)."""
    try:
        chain.check_block(block, chain.blocks.__getitem__, chain._confirmed_before(block.index))
    except InvalidBlock:
        return "refused"
    return "accepted"


def _next(chain, posts=(), **fields):
    """A block on ``chain``'s tip with valid proof (unless a field spoils it)."""
    tip = chain.tip
    base = {
        "index": tip.index + 1,
        "timestamp": tip.timestamp + 60,
        "previous_hash": tip.hash,
        "difficulty": chain.head.next_difficulty,
        "transactions": tuple(posts),
        "nonce": 0,
    }
    base.update(fields)
    return mine(Block(**base))


def _crafted(chain):
    """(label, block, what every reference node says) for the rules one by one."""
    tip = chain.tip
    on_chain = [p for b in chain.blocks[1:] for p in b.transactions]
    confirmed = on_chain[0] if on_chain else Post("nobody", "never mined", T0)
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    signed = Post.signed("bob", "signed", key, T0 + 5)
    forged = dataclasses.replace(signed, content="altered after signing")
    unproven = _next(chain)
    for step in range(1, 500):
        unproven = dataclasses.replace(unproven, nonce=unproven.nonce + step)
        if not unproven.has_valid_proof():
            break
    many = tuple(Post("carol", f"many {n}", T0 + n) for n in range(rules.MAX_POSTS_PER_BLOCK + 1))
    owner = bytes([2]) + bytes(range(32))  # the door does not read the key
    subsidy = rules.COIN_RULES.subsidy(tip.index + 1)
    paid = coinbase(tip.index + 1, owner, subsidy)
    twice = TxInput(OutPoint("cd" * 32, 0))
    double = Transaction((twice,), (Output(1, owner),)), Transaction((twice,), (Output(2, owner),))
    return [
        ("a coinbase of the subsidy", _next(chain, coins=(paid,)), "accepted"),
        (
            "a coinbase naming another height",
            _next(chain, coins=(coinbase(0, owner, 1),)),
            "refused",
        ),
        ("one coin spent twice in the block", _next(chain, coins=(paid, *double)), "refused"),
        ("a valid block", _next(chain, (Post("dave", "new", T0 + 9),)), "accepted"),
        ("3 hours in the future", _next(chain, timestamp=NOW + 3 * HOUR), "refused"),
        ("exactly 2 hours ahead (allowed)", _next(chain, timestamp=NOW + 2 * HOUR), "accepted"),
        ("2 hours and 1 second ahead", _next(chain, timestamp=NOW + 2 * HOUR + 1), "refused"),
        ("an hour before its parent", _next(chain, timestamp=tip.timestamp - HOUR), "refused"),
        ("the same time as its parent", _next(chain, timestamp=tip.timestamp), "accepted"),
        ("a link to no block", _next(chain, previous_hash="ab" * 32), "refused"),
        ("one bit too easy", _next(chain, difficulty=chain.head.next_difficulty - 1), "refused"),
        ("one bit too hard", _next(chain, difficulty=chain.head.next_difficulty + 1), "refused"),
        ("a nonce that fails the proof", unproven, "refused"),
        ("one post too many", _next(chain, many), "refused"),
        ("the most posts allowed", _next(chain, many[:-1]), "accepted"),
        ("a post twice", _next(chain, (signed, signed)), "refused"),
        (
            "a post already on the chain (a replay)",
            _next(chain, (confirmed,)),
            "refused" if on_chain else "accepted",
        ),
        ("a forged signature", _next(chain, (forged,)), "refused"),
        ("a genuine signature", _next(chain, (signed,)), "accepted"),
        (
            "a post stamped 3 hours after its block",
            _next(chain, (Post("erin", "late", tip.timestamp + 60 + 3 * HOUR),)),
            "refused",
        ),
    ]


@pytest.mark.parametrize("params", PARAMS, ids=("fixed", "retargeting"))
def test_crafted_blocks_get_the_same_verdict_from_both_nodes(params):
    reference, student = _grown(params, seed=1)
    for label, block, expected in _crafted(reference):
        assert _verdict(reference, block) == expected, label
        assert _verdict(student, block) == expected, label


@pytest.mark.parametrize("params", PARAMS, ids=("fixed", "retargeting"))
def test_every_rule_of_the_list_is_broken_by_a_crafted_block(params):
    reference, _ = _grown(params, seed=1)
    broken = set()
    for _, block, _ in _crafted(reference):
        confirmed = reference._confirmed_before(block.index)
        for rule in rules.BLOCK_RULES:
            try:
                rules.check_block(
                    block, reference.blocks.__getitem__, confirmed, params, NOW, [rule]
                )
            except InvalidBlock:
                broken.add(rule.name)
    untried = [rule.name for rule in rules.BLOCK_RULES if rule.name not in broken]
    assert not untried, (
        'CONTRIBUTING.md, "Add a consensus rule", step 2: add a block to _crafted in '
        f"tests/test_rules_differential.py that breaks {untried}"
    )


def test_a_block_three_hours_ahead_is_refused_by_the_learners_node_through_add_block():
    reference, student = _grown(PARAMS[0], seed=2)
    future = _next(reference, timestamp=NOW + 3 * HOUR)
    for chain in (reference, student):
        with pytest.raises(InvalidBlock, match="hours in the future"):
            chain.add_block(future)
        assert chain.tip.hash == reference.tip.hash


def _random_block(chain, rng):
    tip = chain.tip
    fields = {}
    roll = rng.random()
    if roll < 0.3:
        fields["timestamp"] = rng.choice(
            (tip.timestamp - rng.randint(1, 2 * HOUR), NOW + rng.randint(-HOUR, 4 * HOUR))
        )
    elif roll < 0.45:
        fields["difficulty"] = chain.head.next_difficulty + rng.choice((-2, -1, 1))
    elif roll < 0.55:
        fields["previous_hash"] = rng.choice(chain.blocks[:-1]).hash
    posts = []
    for _ in range(rng.choice((0, 0, 1, 3))):
        if rng.random() < 0.2:
            posts.append(rng.choice([p for b in chain.blocks for p in b.transactions]))
        else:
            posts.append(Post("frank", f"r{rng.random()}", T0 + rng.randint(0, 40 * 86_400)))
    block = _next(chain, posts, **fields)
    if rng.random() < 0.15:
        block = dataclasses.replace(block, nonce=block.nonce + 1)
    return block


@pytest.mark.parametrize("params", PARAMS, ids=("fixed", "retargeting"))
def test_random_blocks_get_the_same_verdict_from_both_nodes(params):
    rng = random.Random(20)
    reference, student = _grown(params, seed=3)
    verdicts = {"accepted": 0, "refused": 0}
    for _ in range(120):
        block = _random_block(reference, rng)
        verdict = _verdict(reference, block)
        assert _verdict(student, block) == verdict, block
        verdicts[verdict] += 1
        if verdict == "accepted" and rng.random() < 0.3:  # grow both, so heights vary
            reference.add_block(block)
            student.add_block(block)
    assert min(verdicts.values()) > 10, verdicts  # both kinds were tried


@pytest.mark.parametrize("params", PARAMS, ids=("fixed", "retargeting"))
def test_whole_chains_and_fork_choice_agree(params):
    rng = random.Random(21)
    for seed in range(4):
        reference, student = _grown(params, seed=10 + seed)
        chain = list(reference.blocks)
        spoiled = rng.randrange(1, len(chain))
        prefix = Blockchain(params, clock=lambda: NOW)
        prefix.consider_chain(chain[:spoiled])
        for label, block, expected in _crafted(prefix):
            candidate = chain[:spoiled] + [block]
            outcomes = []
            for node in (reference, student):
                try:
                    node.validate_chain(candidate)
                    outcomes.append("valid")
                except InvalidChain as error:
                    outcomes.append(error.bad_index)
            assert outcomes[0] == outcomes[1], label
            assert outcomes[0] == ("valid" if expected == "accepted" else spoiled), label
        # a branch with more work from the same fork: both adopt it, at the same tip
        other_ref, other_student = _pair(params)
        fork = rng.randrange(1, len(chain))
        other_ref.consider_chain(chain[:fork])
        for _ in range(len(chain) - fork + 1):
            other_ref.mine(timestamp=other_ref.tip.timestamp + 1, allow_empty=True)
        expected_tip = (
            other_ref.tip.hash
            if rules.prefers(other_ref.total_work, other_ref.tip.hash, *_head(reference))
            else reference.tip.hash
        )
        for node in (reference, student):
            node.consider_chain(other_ref.blocks)
            assert node.tip.hash == expected_tip


def _head(chain):
    return chain.total_work, chain.tip.hash


def test_a_rule_added_to_the_list_reaches_chain_door_miner_and_learners_node(monkeypatch):
    """The thought experiment of a maximum block size, as a test: one entry in the list."""

    def at_most_two_posts(block, context):
        if len(block.transactions) > 2:
            raise InvalidBlock("more than 2 posts (the new size limit)", block.index)

    monkeypatch.setattr(
        rules,
        "BLOCK_RULES",
        (*rules.BLOCK_RULES, rules.Rule("size", at_most_two_posts, needs_chain=False, posts=True)),
    )
    reference, student = _pair(PARAMS[0])
    for n in range(3):
        reference.add_post(Post("alice", f"size {n}", T0 + n))
    template = reference.new_block(T0 + 60)
    assert len(template.transactions) == 2  # the miner leaves the third post for later
    three = _next(reference, tuple(reference.pending_posts()))
    for chain in (reference, student):
        with pytest.raises(InvalidBlock, match="size limit"):
            chain.add_block(three)
    with pytest.raises(InvalidBlock, match="size limit"):  # a node's door
        rules.check_announced_block(three, PARAMS[0], reference.genesis.hash, NOW)
    reference.mine(timestamp=T0 + 60)
    assert len(reference.tip.transactions) == 2 and len(reference.pending) == 1
    assert student.consider_chain(reference.blocks).adopted
