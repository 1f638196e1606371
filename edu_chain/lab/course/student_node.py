"""Your chain as a node: the learner's own rules running inside a real node.

A learner writes, in the notebooks, every consensus function a node runs (:data:`RULE_NAMES`:
serialization and block hash, Merkle root, proof check, the block rules, whole-chain
validation on fixed and retargeting networks, work, fork choice, the chain switch and the
miner). :class:`Rules` gathers them — from the solved notebooks, from a ``.py`` file, or
from a dict — and uses the package's reference for any that is missing or does not pass
its check.
:class:`StudentChain` is a :class:`~edu_chain.chain.Blockchain` whose block rules and
fork choice are the learner's; everything else (storage, pool, reorganisation, the
HTTP API, gossip) is the kit's, so the node talks to reference nodes unchanged.

The learner's node checks blocks with the same rule list as every reference node
(:data:`edu_chain.rules.BLOCK_RULES`): the learner's ``block_refusal`` stands in for the
rules it covers (:data:`COVERED_BY_BLOCK_REFUSAL`: link, time order, difficulty, proof) and
every other rule of the list — the 2-hour time limit, the post count, the posts — is the
kit's. A rule added to that list reaches the learner's node with nothing here to edit.

Coupling to the kit is kept small and public: the chain overrides ``check_block`` (which
``add_block``, ``validate_chain`` and ``consider_chain`` call) and ``prefers`` (which
``consider_chain`` and the node's sync call); the node is a plain
:class:`~edu_chain.network.service.Node` fed through ``receive_block``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import rules as consensus
from ...block import Block
from ...chain import Blockchain, ChainUpdate
from ...coins import Branch
from ...errors import InvalidBlock, InvalidChain
from ...params import NetworkParams
from ...rules import Context, Rule, check_block, required_difficulty
from ...store import Store
from .checker import passes
from .registry import reference

# every consensus function of the learner's that a node runs, in the order a block meets them
RULE_NAMES = (
    "header_bytes",
    "block_hash",
    "merkle_root",
    "valid_proof",
    "post_id",
    "block_refusal",
    "first_invalid_block",
    "first_invalid_on_network",
    "chain_work",
    "prefer",
    "switch_chain",
    "mine_block",
)
# the rules of edu_chain.rules.BLOCK_RULES that a learner's block_refusal decides
COVERED_BY_BLOCK_REFUSAL = frozenset({"previous_hash", "timestamp", "difficulty", "proof"})


@dataclass
class Rules:
    """The learner's functions a node runs, and where each came from (the reference for
    any the learner has not written, or that does not pass its check yet).

    ``header_bytes``, ``block_hash``, ``merkle_root`` (02), ``valid_proof`` (04) and
    ``post_id`` (09) recompute what each block and post claims; ``block_refusal`` (05)
    decides the rules it covers; ``first_invalid_block`` (05) validates every chain a peer
    offers on a network of fixed difficulty (it takes one) and ``first_invalid_on_network``
    (07) every chain a peer offers on any network; ``chain_work`` (07) weighs our chain
    against the work a peer announces, to decide whether its chain is worth fetching;
    ``prefer`` (07) chooses between chains; ``switch_chain`` (07) decides which posts go
    back to the pool on a switch; and ``mine_block`` (05) mines."""

    header_bytes: Callable = field(default_factory=lambda: reference("header_bytes"))
    block_hash: Callable = field(default_factory=lambda: reference("block_hash"))
    merkle_root: Callable = field(default_factory=lambda: reference("merkle_root"))
    valid_proof: Callable = field(default_factory=lambda: reference("valid_proof"))
    post_id: Callable = field(default_factory=lambda: reference("post_id"))
    block_refusal: Callable = field(default_factory=lambda: reference("block_refusal"))
    prefer: Callable = field(default_factory=lambda: reference("prefer"))
    mine_block: Callable = field(default_factory=lambda: reference("mine_block"))
    first_invalid_block: Callable = field(default_factory=lambda: reference("first_invalid_block"))
    first_invalid_on_network: Callable = field(
        default_factory=lambda: reference("first_invalid_on_network")
    )
    chain_work: Callable = field(default_factory=lambda: reference("chain_work"))
    switch_chain: Callable = field(default_factory=lambda: reference("switch_chain"))
    origin: dict[str, str] = field(
        default_factory=lambda: dict.fromkeys(RULE_NAMES, "the reference")
    )

    @classmethod
    def from_functions(cls, functions: dict, where: str = "yours", check: bool = True) -> Rules:
        """Take each rule from ``functions`` when present (and passing its check)."""
        rules = cls()
        for name in RULE_NAMES:
            function = functions.get(name)
            if function is None:
                continue
            if check and not passes(name, function, quiet=True):
                rules.origin[name] = (
                    "the reference (you have not written it yet)"
                    if _unwritten(function)
                    else f"the reference ({where} does not pass its check yet)"
                )
                continue
            setattr(rules, name, function)
            rules.origin[name] = where
        return rules

    @classmethod
    def from_file(cls, path: str | Path, check: bool = True) -> Rules:
        """Rules from a Python file that defines some of the functions of ``RULE_NAMES``."""
        path = Path(path)
        spec = importlib.util.spec_from_file_location(f"learner_rules_{path.stem}", path)
        if spec is None or spec.loader is None:
            raise ValueError(f"{path} cannot be loaded as a Python file")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return cls.from_functions(vars(module), f"yours, from {path.name}", check)

    @classmethod
    def from_notebooks(cls, folder: str | Path = ".", check: bool = True) -> Rules:
        """Rules from the learner's solved exercise cells in the notebooks of ``folder``."""
        functions, where = learner_functions(folder)
        rules = cls.from_functions(functions, "yours", check)
        for name in RULE_NAMES:
            if rules.origin[name] == "yours":
                rules.origin[name] = f"yours, from {where[name]}"
        return rules

    def describe(self) -> str:
        width = max(map(len, RULE_NAMES)) + 1
        return "\n".join(f"{name:{width}}{self.origin[name]}" for name in RULE_NAMES)


def _unwritten(function: Callable) -> bool:
    """Is this the notebook's stub, whose only act is ``raise NotImplementedError()``?"""
    code = getattr(function, "__code__", None)
    return code is not None and code.co_names == ("NotImplementedError",)


def learner_functions(folder: str | Path) -> tuple[dict[str, Callable], dict[str, str]]:
    """Run every exercise solution cell of the notebooks in ``folder``, in order, in one
    namespace; return (name -> function, name -> notebook) for the exercises defined."""
    namespace: dict = {}
    functions, where = {}, {}
    for path in sorted(Path(folder).glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell["cell_type"] != "code" or not meta.get("solution"):
                continue
            try:
                exec(
                    compile("".join(cell["source"]), f"{path.name}:{meta['grade_id']}", "exec"),
                    namespace,
                )
            except Exception:  # noqa: BLE001 - a broken cell: that exercise stays undone
                continue
            name = meta["grade_id"]
            if callable(namespace.get(name)):
                functions[name], where[name] = namespace[name], path.name
    return functions, where


class StudentChain(Blockchain):
    """A chain whose block rules and fork choice are the learner's: ``block_rules`` is the
    reference rule list with the learner's ``block_refusal`` in place of the rules it
    covers."""

    def __init__(
        self,
        rules: Rules,
        params: NetworkParams | None = None,
        store: Store | None = None,
        **options,
    ):
        self.rules = rules
        self.block_rules = learner_block_rules(rules)
        self._candidate: list[Block] | None = None
        super().__init__(params, store if store is not None else Store(), **options)

    def check_block(self, block, block_at, confirmed_before) -> None:
        check_block(block, block_at, confirmed_before, self.params, self.clock(), self.block_rules)

    def consider_chain(self, candidate):
        candidate = list(candidate)
        with self.lock:
            self._check_with_learners_validation(candidate)
            self._candidate = candidate
            try:
                return super().consider_chain(candidate)
            finally:
                self._candidate = None

    def _check_with_learners_validation(self, candidate: list[Block]) -> None:
        """The learner's ``first_invalid_on_network`` on the whole chain offered, and their
        ``first_invalid_block`` too on a network that does not retarget (it takes one
        difficulty)."""
        if len(candidate) < 2:
            return
        judges: list[tuple[str, Callable[[], Any]]] = [
            (
                "first_invalid_on_network",
                lambda: self.rules.first_invalid_on_network(candidate, self.params),
            )
        ]
        if self.params.retarget_interval is None:
            judges.append(
                (
                    "first_invalid_block",
                    lambda: self.rules.first_invalid_block(candidate, self.params.difficulty),
                )
            )
        for name, judge in judges:
            try:
                found = judge()
            except Exception as error:  # noqa: BLE001 - the learner's code: refuse, say why
                raise InvalidChain(
                    f"your {name} raised {type(error).__name__}: {error}", 0
                ) from None
            if found:
                position, rule = _position_and_rule(found, name)
                raise InvalidChain(
                    f"block #{position} breaks the {rule} rule (by your {name})", position
                )

    def _reorganise(self, fork: int, new_blocks: list[Block], branch: Branch) -> ChainUpdate:
        """The kit's switch, then the learner's ``switch_chain`` decides the pool: a post it
        leaves out is dropped (a switch that forgets orphaned posts loses them, as it would
        in a real node). It can only take posts away: one the kit would not pool (a post the
        new chain already holds) is never added."""
        ours, pool = list(self.blocks), list(self.pending.values())
        theirs = ours[:fork] + list(new_blocks)
        update = super()._reorganise(fork, new_blocks, branch)
        try:
            _, their_pool = self.rules.switch_chain(ours, theirs, pool)
            kept = {post.id for post in their_pool}
        except Exception:  # noqa: BLE001 - the learner's code: the kit's pool stands
            return update
        lost = [post_id for post_id in self.pending if post_id not in kept]
        if lost:
            self.store.apply(pool_remove=lost)
            for post_id in lost:
                del self.pending[post_id]
            update.returned_posts = [p for p in update.returned_posts if p.id in kept]
            update.reason += f"; your switch_chain left {len(lost)} post(s) out of the pool"
        return update

    def prefers(self, work: int, tip_hash: str) -> bool:
        if self._candidate and self._candidate[-1].hash == tip_hash:
            return bool(self.rules.prefer(list(self.blocks), self._candidate))
        # a peer's /health only: the work it announces against our chain's work by the
        # learner's chain_work, the tie broken by the tip hash. This decides only whether the
        # peer's chain is worth fetching; consider_chain then judges the blocks themselves.
        try:
            ours = int(self.rules.chain_work(list(self.blocks)))
        except Exception:  # noqa: BLE001 - the learner's code: go and look, the blocks decide
            return tip_hash != self.tip.hash
        return consensus.prefers(work, tip_hash, ours, self.tip.hash)


def _position_and_rule(found: Any, name: str) -> tuple[int, str]:
    """The (position, rule) a learner's chain validation returned, or a refusal saying why."""
    try:
        position, rule = found
        return int(position), str(rule)
    except (TypeError, ValueError):
        raise InvalidChain(
            f"your {name} returned {found!r:.60}, not None or (position, rule)", 0
        ) from None


def learner_block_rules(learner: Rules | Callable) -> tuple[Rule, ...]:
    """:data:`~edu_chain.rules.BLOCK_RULES` as the learner's node runs it: the learner's
    ``header_bytes``, ``block_hash``, ``post_id``, ``merkle_root`` and ``valid_proof``
    first (each recomputes what the block claims and must agree with it), then the list
    with the learner's ``block_refusal`` standing in for the rules it covers; every other
    rule stays the reference's. (A bare function is taken as the ``block_refusal`` of otherwise
    reference rules.) A block with coins has a sixth header field, ``coins_root``, that the
    learner's ``header_bytes`` and ``block_hash`` (notebook 02) predate: for such a block
    only their ``valid_proof`` judges the hash (on the kit's header prefix)."""
    if not isinstance(learner, Rules):
        learner = Rules(block_refusal=learner)
    block_refusal = learner.block_refusal

    def yours(block: Block, context: Context) -> None:
        parent = context.parent(block)
        difficulty = required_difficulty(context.params, block.index, context.block_at)
        broken = _ask(block, "block_refusal", block_refusal, parent, block, difficulty)
        if broken:
            raise InvalidBlock(f"breaks the {broken} rule (by your block_refusal)", block.index)

    def your_header(block: Block, context: Context) -> None:
        if block.coins:
            return  # a coins_root the learner's header predates: see the docstring
        header = _ask(block, "header_bytes", learner.header_bytes, block)
        if not isinstance(header, bytes) or hashlib.sha256(header).hexdigest() != block.hash:
            raise InvalidBlock(
                "your header_bytes gives bytes that do not hash to the block's hash "
                f"{block.hash[:16]}…",
                block.index,
            )

    def your_post_ids(block: Block, context: Context) -> None:
        for post in block.transactions:
            if _ask(block, "post_id", learner.post_id, post) != post.id:
                raise InvalidBlock(
                    f"your post_id of post {post.id[:12]} gives another id", block.index
                )

    def your_hash(block: Block, context: Context) -> None:
        if block.coins:
            return  # a coins_root the learner's header predates: see the docstring
        computed = _ask(block, "block_hash", learner.block_hash, block)
        if computed != block.hash:
            raise InvalidBlock(
                f"your block_hash gives {str(computed)[:16]}…, but its header hashes to "
                f"{block.hash[:16]}…",
                block.index,
            )

    def your_root(block: Block, context: Context) -> None:
        computed = _ask(
            block, "merkle_root", learner.merkle_root, [p.id for p in block.transactions]
        )
        if computed != block.merkle_root:
            raise InvalidBlock(
                f"your merkle_root gives {str(computed)[:16]}…, but the header commits to "
                f"{block.merkle_root[:16]}…",
                block.index,
            )

    def your_proof(block: Block, context: Context) -> None:
        if not _ask(block, "valid_proof", learner.valid_proof, block):
            raise InvalidBlock("has no valid proof of work (by your valid_proof)", block.index)

    listed: list[Rule] = [
        Rule("header_bytes", your_header, needs_chain=False),
        Rule("block_hash", your_hash, needs_chain=False),
        Rule("post_id", your_post_ids, needs_chain=False),
        Rule("merkle_root", your_root, needs_chain=False),
        Rule("valid_proof", your_proof, needs_chain=False),
    ]
    for rule in consensus.BLOCK_RULES:  # read now: a rule added to the list is in it
        if rule.name not in COVERED_BY_BLOCK_REFUSAL:
            listed.append(rule)
        elif not any(r.check is yours for r in listed):
            listed.append(Rule("block_refusal", yours))
    return tuple(listed)


def _ask(block: Block, name: str, function: Callable, *args):
    """Call the learner's ``function``; an exception refuses the block, saying why."""
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 - the learner's code: refuse, say why
        raise InvalidBlock(
            f"your {name} raised {type(error).__name__}: {error}", block.index
        ) from None


def mine_with_rules(node, timestamp: int | None = None) -> Block:
    """Mine the pending posts with the learner's ``mine_block`` and announce the block
    through the node (so the node's own rules check it, and peers hear of it)."""
    chain = node.chain
    with chain.lock:
        blocks = list(chain.blocks)
        posts = chain.new_block().transactions  # as many as the rules allow
    stamp = max(int(time.time()), blocks[-1].timestamp) if timestamp is None else timestamp
    block = chain.rules.mine_block(blocks, posts, stamp)
    node.receive_block(block.to_dict())
    return block


def join(network, rules: Rules, name: str = "you", sync_interval: float = 0.5):
    """Start a node with the learner's rules and join it to a LocalNetwork (every node)."""
    from ...network.service import Node
    from ..live.network import LinkCuttingClient, LocalNode, serve_in_thread

    links = LinkCuttingClient()
    service = Node(StudentChain(rules, network.params), sync_interval=sync_interval, client=links)
    server, thread, url = serve_in_thread(service, name=name)
    member = LocalNode(name, service, server, thread, url, links)
    for other in network.nodes:
        service.add_peer(other.url)
        other.node.add_peer(url)
    network.nodes.append(member)  # network.stop() stops it with the others
    service.start()
    service.sync_all()
    return member
