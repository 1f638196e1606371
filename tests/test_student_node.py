"""The learner's rules inside a chain and a node: right rules agree with the kit, wrong
rules show their consequence (a back-dated block accepted, a lighter chain followed)."""

import dataclasses
import json
from pathlib import Path

import pytest

from edu_chain import Blockchain, NetworkParams, Post
from edu_chain.errors import InvalidBlock, InvalidChain
from edu_chain.lab.course.notebooks import fill_solutions
from edu_chain.lab.course.student_node import Rules, StudentChain, learner_functions
from edu_chain.pow import mine

ROOT = Path(__file__).resolve().parent.parent
PARAMS = NetworkParams(difficulty=8)


def _grown(chain, count=3):
    for n in range(count):
        chain.add_post(Post("alice", f"note {n}", 1767225600 + n))
        chain.mine(timestamp=1767225700 + 60 * n)
    return chain


def _backdated(chain):
    template = chain.new_block(chain.tip.timestamp)
    return mine(dataclasses.replace(template, timestamp=chain.tip.timestamp - 3600))


def sloppy(parent, block, difficulty):
    ok = block.index == parent.index + 1 and block.previous_hash == parent.hash
    return None if ok else "link"


def test_reference_rules_accept_what_the_kit_accepts_and_refuse_a_backdated_block():
    reference = _grown(Blockchain(PARAMS))
    student = StudentChain(Rules(), PARAMS)
    assert student.consider_chain(reference.blocks).adopted
    with pytest.raises(InvalidBlock, match="timestamp"):
        student.add_block(_backdated(student))


def test_a_rule_that_forgets_the_timestamp_accepts_the_block_the_kit_refuses():
    student = StudentChain(Rules.from_functions({"block_refusal": sloppy}, check=False), PARAMS)
    _grown(student)
    block = _backdated(student)
    student.add_block(block)
    with pytest.raises(Exception, match="timestamp"):
        Blockchain(PARAMS).validate_chain(student.blocks)


def test_a_learner_rule_that_raises_refuses_the_block_with_a_sentence():
    def broken(parent, block, difficulty):
        raise KeyError("oops")

    student = StudentChain(Rules.from_functions({"block_refusal": broken}, check=False), PARAMS)
    with pytest.raises(InvalidBlock, match="your block_refusal raised KeyError"):
        student.mine(timestamp=1767225700, allow_empty=True)


def test_longest_chain_rule_follows_a_lighter_chain_and_the_reference_does_not():
    params = NetworkParams(difficulty=8, retarget_interval=4, target_block_seconds=60)
    heavy, light = Blockchain(params), Blockchain(params)
    for n in range(6):
        heavy.mine(timestamp=1767225600 + 5 * (n + 1), allow_empty=True)
    for n in range(7):
        light.mine(timestamp=1767225600 + 600 * (n + 1), allow_empty=True)
    assert len(light) > len(heavy) and light.total_work < heavy.total_work
    longest = Rules.from_functions(
        {"prefer": lambda ours, theirs: len(theirs) > len(ours)}, check=False
    )
    for rules, expected in ((Rules(), heavy), (longest, light)):
        chain = StudentChain(rules, params)
        chain.consider_chain(heavy.blocks)
        chain.consider_chain(light.blocks)
        assert chain.tip.hash == expected.tip.hash


def test_rules_come_from_solved_notebooks_only_when_they_pass(tmp_path):
    for name in ("05_transactions_and_mining.ipynb", "07_consensus.ipynb"):
        notebook = json.loads((ROOT / "notebooks" / name).read_text())
        if name.startswith("05"):
            fill_solutions(notebook)
        (tmp_path / name).write_text(json.dumps(notebook))
    rules = Rules.from_notebooks(tmp_path)
    assert rules.origin["block_refusal"] == "yours, from 05_transactions_and_mining.ipynb"
    assert rules.origin["mine_block"].startswith("yours")
    assert "you have not written it yet" in rules.origin["prefer"]
    functions, where = learner_functions(tmp_path)
    assert where["prefer"] == "07_consensus.ipynb" and "first_invalid_block" in functions


def test_rules_from_a_file(tmp_path):
    path = tmp_path / "my_chain.py"
    path.write_text("def prefer(ours, theirs):\n    return len(theirs) > len(ours)\n")
    rules = Rules.from_file(path)
    assert "does not pass" in rules.origin["prefer"]
    assert rules.origin["block_refusal"] == "the reference"


def test_the_learners_hash_root_and_proof_run_in_the_node():
    """Every function a learner wrote for blocks runs: a wrong one refuses valid blocks."""
    import hashlib

    def hash_without_nonce(block):  # forgets the nonce: every mined block looks wrong
        return hashlib.sha256(block.header_prefix()).hexdigest()

    def bitcoins_root(ids):  # duplicates an odd last node, as Bitcoin's tree does
        level = [hashlib.sha256(b"\x00" + bytes.fromhex(i)).digest() for i in ids] or [b""]
        while len(level) > 1:
            level += level[-1:] if len(level) % 2 else []
            level = [
                hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
                for i in range(0, len(level), 2)
            ]
        return level[0].hex() if ids else hashlib.sha256(b"").hexdigest()

    reference = _grown(Blockchain(PARAMS))
    three = Post("carol", "three posts", 1767225700)
    reference.add_post(three)
    for n in (1, 2):
        reference.add_post(Post("dave", f"and {n}", 1767225700 + n))
    reference.mine(timestamp=1767226000)
    assert len(reference.tip.transactions) == 3
    for wrong, says in (
        ({"block_hash": hash_without_nonce}, "your block_hash gives"),
        ({"merkle_root": bitcoins_root}, "your merkle_root gives"),
        ({"valid_proof": lambda block: False}, "by your valid_proof"),
        ({"header_bytes": lambda block: block.header_prefix()}, "your header_bytes gives"),
        ({"post_id": lambda post: post.id[::-1]}, "your post_id of post"),
    ):
        student = StudentChain(Rules.from_functions(wrong, check=False), PARAMS)
        with pytest.raises(InvalidChain, match=says):
            student.validate_chain(reference.blocks)
    rules = Rules.from_functions({"merkle_root": bitcoins_root})  # checked: it fails
    assert "does not pass its check" in rules.origin["merkle_root"]
    described = Rules().describe()
    for name in ("header_bytes", "block_hash", "post_id", "merkle_root", "valid_proof"):
        assert name in described


def test_the_learners_validation_and_switch_run_in_the_node():
    """first_invalid_block judges every chain offered; switch_chain decides the pool, so a
    switch that forgets orphaned posts loses them in the node too."""
    base = _grown(Blockchain(PARAMS), count=1)
    ours, theirs = Blockchain(PARAMS), Blockchain(PARAMS)
    for chain in (ours, theirs):
        chain.consider_chain(base.blocks)
    ours.add_post(Post("alice", "on the branch that loses", 1767229000))
    ours.mine(timestamp=1767229100)
    for n in range(2):
        theirs.mine(timestamp=1767229100 + 60 * n, allow_empty=True)

    def forgetful(ours_blocks, theirs_blocks, pool):
        held = {p.id for b in theirs_blocks for p in b.transactions}
        return list(theirs_blocks), [p for p in pool if p.id not in held]

    outcomes = {}
    for label, functions in (("reference", {}), ("forgetful", {"switch_chain": forgetful})):
        node = StudentChain(Rules.from_functions(functions, check=False), PARAMS)
        node.consider_chain(ours.blocks)
        update = node.consider_chain(theirs.blocks)
        assert update.adopted and node.tip.hash == theirs.tip.hash
        outcomes[label] = [p.content for p in node.pending_posts()]
    assert outcomes == {"reference": ["on the branch that loses"], "forgetful": []}

    suspicious = Rules.from_functions(
        {"first_invalid_block": lambda blocks, difficulty: (1, "proof")}, check=False
    )
    with pytest.raises(InvalidChain, match="by your first_invalid_block"):
        StudentChain(suspicious, PARAMS).consider_chain(theirs.blocks)


RETARGET = NetworkParams(difficulty=6, retarget_interval=3, target_block_seconds=60)


def test_the_learners_network_validation_judges_chains_on_a_retargeting_network():
    """first_invalid_on_network runs on a retargeting network (first_invalid_block cannot:
    it takes one difficulty); a learner's validation that ignores retargeting refuses a
    chain whose difficulty moved, as it would in a real node."""
    theirs = Blockchain(RETARGET)
    for n in range(4):  # 5 s blocks against 60 s wanted: block #3 retargets up
        theirs.mine(timestamp=RETARGET.genesis_block().timestamp + 5 * (n + 1), allow_empty=True)
    assert theirs.blocks[3].difficulty > theirs.blocks[2].difficulty

    reference = StudentChain(Rules(), RETARGET)
    assert reference.consider_chain(theirs.blocks).adopted

    def one_difficulty(blocks, params):
        for i in range(1, len(blocks)):
            if blocks[i].difficulty != params.difficulty:
                return (i, "difficulty")
        return None

    fixed = Rules.from_functions({"first_invalid_on_network": one_difficulty}, check=False)
    with pytest.raises(InvalidChain, match=r"block #3 .* \(by your first_invalid_on_network"):
        StudentChain(fixed, RETARGET).consider_chain(theirs.blocks)
    assert "first_invalid_on_network" in Rules().describe()


def test_the_learners_chain_work_decides_which_announced_chains_to_fetch():
    """A peer's /health announces its work: the node weighs its own chain with the learner's
    chain_work. With the length as work, a lighter announced chain looks worth fetching."""
    ours = _grown(StudentChain(Rules(), PARAMS), count=2)
    heavier, equal = ours.total_work + 1, ours.total_work
    assert ours.prefers(heavier, "f" * 64)
    assert not ours.prefers(equal, "f" * 64) and ours.prefers(equal, "0" * 64)

    length = Rules.from_functions({"chain_work": len}, check=False)
    by_length = StudentChain(length, PARAMS)
    by_length.consider_chain(ours.blocks)
    lighter = ours.total_work - 1
    assert not ours.prefers(lighter, "0" * 64) and by_length.prefers(lighter, "0" * 64)
    assert not by_length.prefers(2, "0" * 64)  # 3 blocks "outweigh" 2 units of work
    assert length.origin["chain_work"] == "yours"
