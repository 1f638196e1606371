"""The JSON a node gives of its state: the chain, a page of blocks, its health. The
shapes are the schemas of ``schemas.py`` (CHAIN, BLOCK_OUT, HEALTH); the routes answer
with these."""

from __future__ import annotations

from .service import Node


def chain_summary(node: Node) -> dict:
    """The tutorial's GET /chain: {length, chain, peers}."""
    with node.chain.lock:
        blocks = [b.to_dict() for b in node.chain.blocks]
    return {"length": len(blocks), "chain": blocks, "peers": node.peers.addresses()}


def blocks_page(node: Node, since: int, limit: int) -> dict:
    chain = node.chain
    blocks = chain.blocks_since(since, limit)
    following = since + len(blocks)
    return {
        "blocks": [b.to_dict() for b in blocks],
        "height": chain.height,
        "next": following if following <= chain.height else None,
    }


def health_of(node: Node) -> dict:
    """Small on purpose (a few hundred bytes): peers poll it. GET /peers lists the peers."""
    chain = node.chain
    head = chain.head  # no lock: /health answers at once even while the chain is busy
    return {
        "address": node.address,
        "node_id": node.node_id,
        "height": head.height,
        "tip": head.tip,
        "total_work": head.total_work,
        "difficulty": head.next_difficulty,
        "tip_since": head.since,
        "network": chain.params.to_dict(),
        "genesis": chain.genesis.hash,
        "pending": len(chain.pending),
        "peers": len(node.peers),
        "require_signatures": node.require_signatures,
    }
