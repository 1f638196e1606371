"""Reference answers of notebook 08, a network.

Its checks: :mod:`edu_chain.lab.exercises.nb08_a_network`.
"""


def all_agree(healths):
    """Has the network converged? `healths` is a list of the nodes' /health answers (dicts,
    at least one), each with a 'tip' among other fields. True when every node follows the
    same tip, else False."""
    return len({health["tip"] for health in healths}) == 1


def orphaned_posts(ours, theirs):
    """The posts we must put back in the pool if we switch from `ours` to `theirs`.

    `ours` and `theirs` are chains (lists of Blocks) with the same genesis; either may be a
    prefix of the other, or they may part anywhere. Return, as Post objects in the order
    they sit on our chain, every post of ours that the switch would otherwise lose: one that
    `theirs` holds is not lost, and a block both chains share loses nothing."""
    fork = 0
    while fork < min(len(ours), len(theirs)) and ours[fork].hash == theirs[fork].hash:
        fork += 1
    held = {p.id for b in theirs for p in b.transactions}
    return [p for b in ours[fork:] for p in b.transactions if p.id not in held]


def best_peer(our_work, our_tip, healths):
    """Which peer to sync from. `our_work` and `our_tip` (hex) describe our chain;
    `healths` holds the peers' /health answers {'url', 'total_work', 'tip'} (maybe none).
    Return the url of the peer whose chain the kit's fork-choice rule (more work; equal
    work: the lower tip hash) prefers to ours and to every other peer's, or None when no
    peer's chain beats ours."""
    def key(work, tip):
        return (work, -int(tip, 16))     # more work first; then the lower tip hash
    best = None
    for health in healths:
        mine = key(health["total_work"], health["tip"])
        if mine > key(our_work, our_tip) and (best is None or mine > best[0]):
            best = (mine, health["url"])
    return None if best is None else best[1]


def settled_tips(links, heads):
    """Which tip each node follows once a partitioned network has settled.

    `heads` maps each node's name to its /health answer, {'total_work': int, 'tip': hex};
    `links` lists the pairs of names (a, b) that can still talk, each link working both
    ways (a pair may be listed twice, or in both orders; a node may have no link at all).
    Gossip and sync carry a chain from node to node over any number of links; no one mines
    meanwhile. Return {name: tip} for every node in `heads`: the tip it follows when
    nothing changes any more, chosen by the kit's fork-choice rule (more work; equal
    work: the lower tip hash)."""
    neighbours: dict[str, set[str]] = {name: set() for name in heads}
    for a, b in links:
        neighbours[a].add(b)
        neighbours[b].add(a)
    settled = {}
    for start in heads:
        if start in settled:
            continue
        island, todo = {start}, [start]
        while todo:
            for peer in neighbours[todo.pop()]:
                if peer not in island:
                    island.add(peer)
                    todo.append(peer)
        best = max(island, key=lambda n: (heads[n]["total_work"], -int(heads[n]["tip"], 16)))
        for name in island:
            settled[name] = heads[best]["tip"]
    return settled
