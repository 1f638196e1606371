"""Partitions are the lab's: a client wrapper cuts links, the node knows nothing of them."""

import pytest

from edu_chain.errors import PeerError
from edu_chain.lab.live.network import LinkCuttingClient, LocalNetwork
from edu_chain.network.service import Node


@pytest.fixture
def pair():
    with LocalNetwork(2, difficulty=4, sync_interval=None, name="partition-test") as network:
        yield network


def test_a_cut_link_fails_like_an_unreachable_peer_and_heal_restores_it(pair):
    a, b = pair
    assert isinstance(a.node.client, LinkCuttingClient)
    bare = Node(sync_interval=None)
    assert not hasattr(bare, "blocked")  # production code knows no partitions
    bare.close()
    pair.partition([0], [1])
    with pytest.raises(PeerError, match="cut"):
        a.node.client.health(b.url)
    a.client.post("alice", "only A hears this")
    a.client.mine()
    assert b.chain.height == 0 and a.chain.height == 1
    a.node.forget(b.url)  # as a node does after a long partition (eviction)
    pair.heal()
    assert b.url in a.node.peers and pair.wait_until_converged(10)
    assert b.chain.height == 1
