"""The network model (edu_chain.netsim), checked before it is believed.

Each check sets a figure the model produces by playing events beside a law it never calls:
the fork chance 1 − e^(−τ/T) (Decker and Wattenhofer 2013, section 5), Eyal and Sirer's
selfish-mining revenue (2014, equation 8), shortest paths computed apart (Dijkstra), and
the published figures of Gervais et al. 2016 and Decker and Wattenhofer 2013 from runs
small enough for the suite (the large runs are benchmarks/netsim_bench.py published).
"""

import heapq
import math

import pytest

from edu_chain.netsim import (
    FIRST_SEEN,
    LOWEST_HASH,
    Params,
    Simulation,
    full_mesh,
    median,
    random_graph,
    scenarios,
    simulate,
    theory,
    two_nodes,
)
from edu_chain.netsim.topology import from_links


def forks_per_block(result):
    """Stale blocks per main-chain block: the chance a height was contested."""
    return (result.published - result.main_chain) / result.main_chain


@pytest.mark.parametrize("ratio", [0.01, 0.02, 0.05])
def test_two_miners_fork_as_often_as_one_minus_e_to_the_minus_tau_over_t(ratio):
    # two equal miners: the one that did not find the block finds blocks every 2T, so
    # the chance it finds a rival while the block travels τ is 1 − e^(−τ/2T)
    interval, blocks = 600.0, 20_000
    result = simulate(two_nodes(2 * ratio * interval), [1, 1], blocks, Params(interval, 0), seed=5)
    law = theory.fork_chance(2 * ratio * interval, 2 * interval)
    spread = math.sqrt(law / blocks)  # Poisson count of forks
    assert abs(forks_per_block(result) - law) < 4 * spread


def test_the_law_overstates_forks_when_the_delay_is_long():
    # at τ = 0.3 T_B the miners are often on different branches already, which the law
    # (one block, one window) leaves out: measured 11 % below it (7 % at 0.1 T_B)
    result = simulate(two_nodes(360.0), [1, 1], 20_000, Params(600.0, 0), seed=5)
    law = theory.fork_chance(360.0, 1200.0)
    assert 0.85 * law < forks_per_block(result) < 0.99 * law


def test_with_no_delay_there_are_no_stale_blocks_and_shares_follow_hash_power():
    result = simulate(full_mesh(4, 0.0), [0.1, 0.2, 0.3, 0.4], 20_000, Params(600.0, 0), seed=1)
    assert result.stale_rate == 0
    for miner, share in enumerate([0.1, 0.2, 0.3, 0.4]):
        spread = math.sqrt(share * (1 - share) / result.main_chain)
        assert result.share(miner) == pytest.approx(share, abs=4 * spread)


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("alpha", [0.25, 0.4])
def test_a_selfish_pool_with_gamma_forced_earns_eyal_and_sirers_revenue(alpha, gamma):
    shares = [alpha] + [(1 - alpha) / 9] * 9
    params = Params(600.0, 0, tie=gamma)
    result = simulate(full_mesh(10, 0.0), shares, 20_000, params, selfish=[0], seed=2)
    assert result.share(0) == pytest.approx(theory.selfish_revenue(alpha, gamma), abs=0.015)
    assert result.gamma == pytest.approx(gamma, abs=0.05)


def test_selfish_mining_loses_below_the_threshold_and_wins_above():
    shares = lambda a: [a] + [(1 - a) / 9] * 9  # noqa: E731
    params = Params(600.0, 0, tie=FIRST_SEEN)  # no delay, first seen: gamma = 0
    below = simulate(full_mesh(10, 0.0), shares(0.25), 20_000, params, selfish=[0], seed=3)
    above = simulate(full_mesh(10, 0.0), shares(0.42), 20_000, params, selfish=[0], seed=3)
    assert below.gamma == 0
    assert below.share(0) < 0.25 < theory.selfish_threshold(0.0) < 0.42 < above.share(0)


def dijkstra(network, source, hop):
    """Seconds from ``source`` to every node when each hop costs ``hop(latency)``."""
    best = [math.inf] * network.size
    best[source] = 0.0
    queue = [(0.0, source)]
    while queue:
        seconds, node = heapq.heappop(queue)
        if seconds > best[node]:
            continue
        for peer, latency in zip(network.peers[node], network.latency[node]):
            if seconds + hop(latency) < best[peer]:
                best[peer] = seconds + hop(latency)
                heapq.heappush(queue, (best[peer], peer))
    return best


def test_a_block_reaches_each_node_along_its_fastest_path():
    network = random_graph(200, outbound=3, latency=0.1, bandwidth=1e6, seed=4, jitter=0.9)
    params = Params(1e9, block_size=250_000, validation=0.05, messages=3)
    simulation = Simulation(network, [1.0] + [0.0] * 199, params, keep_delays=True)
    simulation.run(1)
    paths = dijkstra(network, 0, lambda latency: 3 * latency + 0.25 + 0.05)
    assert sorted(simulation.delays) == pytest.approx(sorted(paths), abs=1e-5)
    assert simulation.result().t100 == [pytest.approx(max(paths), abs=1e-5)]


def test_a_shared_uplink_sends_to_one_peer_after_another():
    star = from_links(5, {(0, v): 0.01 for v in range(1, 5)}, [1e6] * 5, [1e9] * 5)
    params = Params(1e9, block_size=500_000, upload_queue=True)
    simulation = Simulation(star, [1, 0, 0, 0, 0], params, keep_delays=True)
    simulation.run(1)
    assert sorted(simulation.delays) == pytest.approx([0, 0.51, 1.01, 1.51, 2.01])


def test_the_kits_tie_rule_puts_every_node_on_one_tip_first_seen_may_not():
    # a long link and short blocks: many ties; at the end the kit's rule agrees everywhere
    ends = {}
    for rule in (LOWEST_HASH, FIRST_SEEN):
        disagree = 0
        for seed in range(40):
            simulation = Simulation(two_nodes(30.0), [1, 1], Params(60.0, 0, tie=rule), seed=seed)
            simulation.run(3)
            disagree += simulation.tip[0] != simulation.tip[1]
        ends[rule] = disagree
    assert ends[LOWEST_HASH] == 0 < ends[FIRST_SEEN]


def test_stale_rate_grows_as_the_interval_shrinks():
    network = random_graph(100, outbound=4, latency=0.2, bandwidth=1e6, seed=1)
    rates = [
        simulate(network, [1.0] * 100, 400, Params(interval, 1e6), seed=1).stale_rate
        for interval in (600.0, 60.0, 6.0)
    ]
    assert rates[0] < rates[1] < rates[2]
    assert rates[2] > 0.1


def test_bad_parameters_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="interval"):
        Params(0.0).check()
    with pytest.raises(ValueError, match="probability"):
        Params(tie=1.5).check()
    with pytest.raises(ValueError, match="tie"):
        Params(tie="longest").check()
    with pytest.raises(ValueError, match="share"):
        Simulation(two_nodes(1.0), [1.0])
    with pytest.raises(ValueError, match="selfish"):
        Simulation(full_mesh(3, 0.1), [1, 1, 1], selfish=[0, 1])
    with pytest.raises(ValueError):
        theory.selfish_revenue(0.6, 0.0)


def test_the_published_laws_are_the_papers():
    # the whitepaper's own table (section 11): q = 0.1, z = 5 -> 0.0009137
    assert theory.whitepaper_race(0.1, 5) == pytest.approx(0.0009137, abs=1e-7)
    assert theory.selfish_threshold(0.0) == pytest.approx(1 / 3)
    assert theory.selfish_threshold(0.5) == pytest.approx(1 / 4)
    assert theory.majority_with_stale(0.0) == 0.5
    assert median([3.0, 1.0, 2.0, 10.0]) == 2.5


def test_a_sweep_resumes_from_its_csv_and_plot_draws_it(tmp_path, capsys):
    from edu_chain.cli import main
    from edu_chain.netsim import sweep

    path = tmp_path / "runs.csv"
    first = sweep.sweep([10.0], [250_000], nodes=60, blocks=30, csv_path=path, progress=False)
    again = sweep.sweep([10.0, 60.0], [250_000], nodes=60, blocks=30, csv_path=path, progress=False)
    assert len(first) == 1 and len(again) == 2
    assert again[0] == first[0]  # read back from the CSV, not run again
    assert len(sweep.load_runs(path)) == 2 and sweep.is_sweep_csv(path)
    assert main(["plot", str(path), "--out", str(tmp_path / "stale.png")]) == 0
    assert (tmp_path / "stale.png").stat().st_size > 0
    assert "Stale rate" in capsys.readouterr().out


def test_the_netsim_command_refuses_bad_numbers_and_foreign_csvs(tmp_path, capsys):
    from edu_chain.cli import main

    assert main(["netsim", "--intervals", "ten", "--out", str(tmp_path / "a.csv")]) == 2
    foreign = tmp_path / "results.csv"
    foreign.write_text("bits,trial\n1,2\n")
    assert main(["netsim", "--nodes", "20", "--blocks", "5", "--out", str(foreign)]) == 2
    assert "not a netsim CSV" in capsys.readouterr().err


class RecordingSimulation(Simulation):
    """The model, noting when each watched node (the mining pools) first holds each block."""

    def __init__(self, *args, watch=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.watch, self.arrived = set(watch), {}

    def _connect(self, node, block, sender=-1):
        if node in self.watch:
            self.arrived[block, node] = self.env.now - self.sent_at[block]
        super()._connect(node, block, sender)


@pytest.fixture(scope="module")
def gervais_run():
    """Bitcoin as Gervais et al. simulated it, at their full 6,000 nodes (not scaled: the
    median grows with the node count, 6.0 s at 1,000 and 6.7 s at 2,000), 40 blocks:
    about 5 s of CPU. Every (block, node) delay is kept, and the pools' arrival times."""
    scenario = scenarios.gervais(6000, seed=1)
    pools = [node for node, share in enumerate(scenario.shares) if share > 0]
    simulation = RecordingSimulation(
        scenario.network, scenario.shares, scenario.params, seed=1, keep_delays=True, watch=pools
    )
    return scenario, simulation, simulation.run(40)


@pytest.mark.system
@pytest.mark.slow
def test_gervais_median_block_propagation_is_their_8_7_seconds(gervais_run):
    """Gervais et al. 2016 ("On the security and performance of proof of work blockchains",
    CCS), Table 1, Bitcoin: median block propagation 8.7 s with 534.8 KB blocks every
    10 min. The median over all 6,000 nodes of 40 blocks (240,000 delays) must be within
    ±30 % of it, the benchmark's tolerance: the network is rebuilt from the distributions
    the paper gives (regions, latencies, bandwidths, connection counts), not their
    simulator's own graph, and validation time is assumed. Over seeds 1-4 it was
    8.4-9.0 s at 40 blocks (8.2-9.2 s at 20), so ±30 % is not spent on noise."""
    _, _, result = gervais_run
    assert median(result.delays) == pytest.approx(scenarios.GERVAIS_MEDIAN_S, rel=0.3)


@pytest.mark.system
@pytest.mark.slow
def test_gervais_stale_rate_by_the_law_from_the_models_own_delay(gervais_run):
    """Gervais et al. 2016, Table 1, Bitcoin: stale rate 0.41 %. Counting it needs thousands
    of blocks (2,000 blocks at 6,000 nodes is about 260 s of CPU here, and would still
    carry a binomial error of ±0.14 points), so this checks the law instead: a block goes
    stale when another pool finds one before holding it, so the stale rate is about
    1 − e^(−τ/T) with T = 600 s and τ the hash-weighted delay until the other pools hold
    the block, measured in the model. Tolerance: within a factor of 4. The law with the
    model's τ (6.4-8.2 s over seeds 1-4) predicts 1.1-1.4 %, about 3 × the paper's
    figure; the model counted directly gives 0.70 % (7 stale in 1,000 blocks,
    edu_chain/netsim/data/published.csv). So this is an order-of-magnitude check, not
    a match: the pools' delay to each other is what the model has too long."""
    scenario, simulation, _ = gervais_run
    total = sum(scenario.shares)
    waits = []
    for block in range(1, len(simulation.parent)):
        finder = simulation.miner[block]
        waits.append(
            sum(
                scenario.shares[pool] / total * simulation.arrived[block, pool]
                for pool in simulation.watch
                if pool != finder
            )
        )
    tau = sum(waits) / len(waits)
    predicted = theory.fork_chance(tau, scenario.params.interval)
    assert scenarios.GERVAIS_STALE / 4 <= predicted <= 4 * scenarios.GERVAIS_STALE


def test_decker_wattenhofer_propagation_and_fork_rate_within_a_factor_of_2():
    """Decker and Wattenhofer 2013 ("Information propagation in the Bitcoin network",
    IEEE P2P), sections 4-5, measured on the real network: median block propagation 6.5 s,
    fork rate 1.69 %. Their figures are of the order of magnitude the model must reach,
    within a factor of 2 (the per-hop bandwidth, latency and validation of 2012 are
    assumptions, scenarios.decker_wattenhofer). 3,500 nodes, their reach, 20 blocks
    (about 1 s of CPU; seeds 1-3 gave medians 12.54-12.57 s). The fork rate is the law
    1 − e^(−τ/T) with τ the mean delay over all nodes (every node mines alike), as the
    paper derives it in section 5: 2.0 % here; counting forks directly needs thousands
    of blocks (the benchmark counts 7 in 600, 1.2 %)."""
    scenario = scenarios.decker_wattenhofer(seed=1)
    result = scenario.run(20, seed=1, keep_delays=True)
    propagation = median(result.delays)
    assert scenarios.DW_MEDIAN_S / 2 <= propagation <= 2 * scenarios.DW_MEDIAN_S
    tau = sum(result.delays) / len(result.delays)
    forks = theory.fork_chance(tau, scenario.params.interval)
    assert scenarios.DW_FORK_RATE / 2 <= forks <= 2 * scenarios.DW_FORK_RATE


@pytest.mark.system
@pytest.mark.slow
def test_a_sweep_runs_on_a_local_dask_cluster(tmp_path):
    pytest.importorskip("distributed", reason="Dask is the optional [dask] extra")
    from edu_chain.netsim import sweep

    runs = sweep.sweep(
        [10.0, 60.0], [250_000], nodes=40, blocks=20, workers=2, dask="local", progress=False
    )
    alone = sweep.sweep([10.0, 60.0], [250_000], nodes=40, blocks=20, progress=False)
    assert [r.stale_rate for r in runs] == [r.stale_rate for r in alone]  # same seeds


def test_the_halls_constants_are_the_kits():
    from edu_chain.network import gossip, peers

    assert scenarios.KIT_MINER_FANOUT == gossip.BLOCK_FANOUT
    assert scenarios.KIT_RELAY_FANOUT == gossip.RELAY_FANOUT
    assert scenarios.KIT_OUTBOUND_PEERS == peers.OUTBOUND_PEERS
    assert scenarios.KIT_MAX_PEERS == peers.MAX_PEERS


def connected(network):
    seen, todo = {0}, [0]
    while todo:
        for peer in network.peers[todo.pop()]:
            if peer not in seen:
                seen.add(peer)
                todo.append(peer)
    return len(seen) == network.size


@pytest.mark.parametrize("students", [10, 40, 100, 200])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_lecture_hall_is_bounded_connected_and_the_teacher_a_seed(students, seed):
    outbound, cap = scenarios.KIT_OUTBOUND_PEERS, scenarios.KIT_MAX_PEERS
    network = scenarios.lecture_hall(students, hop=0.1, seed=seed).network
    assert network.size == students + 1 and connected(network)
    assert all(len(network.peers[s]) >= outbound for s in range(1, network.size))
    teacher = len(network.peers[0])
    assert min(students, cap) <= teacher <= cap + outbound  # its seed slots, and its own picks
    if students > cap + outbound:
        assert max(len(p) for p in network.peers[1:]) < teacher  # the seed is the hub
        assert network.degree() < 3 * outbound  # not a mesh: ~2 x outbound links a node
    for row in network.latency:
        assert all(0.05 <= seconds <= 0.15 for seconds in row)  # hop x (1 ± 0.5)


def test_a_hall_teacher_with_fewer_seed_slots_takes_fewer():
    network = scenarios.lecture_hall(100, hop=0.1, teacher_inbound=10, seed=1).network
    assert 10 <= len(network.peers[0]) <= 10 + scenarios.KIT_OUTBOUND_PEERS
    assert connected(network)


def test_the_miner_tells_miner_fanout_peers_and_relays_fanout():
    star = from_links(11, {(0, v): 0.01 for v in range(1, 11)})  # node 0 mines, in the middle
    for miner_fanout, told in ((None, 3), (8, 8)):
        params = Params(1e9, 0, fanout=3, miner_fanout=miner_fanout)
        simulation = Simulation(star, [1.0] + [0.0] * 10, params, keep_delays=True)
        simulation.run(1)
        assert len(simulation.delays) == 1 + told  # the miner, and the leaves it told
    with pytest.raises(ValueError, match="miner_fanout"):
        Params(fanout=None, miner_fanout=8).check()


def test_in_a_lecture_hall_every_block_reaches_every_node():
    scenario = scenarios.lecture_hall(100, hop=0.1, seed=3)
    result = scenario.run(20, seed=3)
    assert result.published == 20 and len(result.t100) == 20


def test_a_bounded_hall_needs_more_hops_than_a_full_mesh():
    # told to every peer with one hop on every link, the mesh reaches each node in 1 hop;
    # a hall of 100 on ~8 links a node needs at least 2 (its diameter), whoever mines
    flood = Params(1e6, 0)
    hall = scenarios.lecture_hall(100, hop=0.1, jitter=0.0, seed=1)
    mesh = scenarios.classroom(100, hop=0.1, jitter=0.0, seed=1)
    hall_run = simulate(hall.network, hall.shares, 20, flood, seed=1)
    mesh_run = simulate(mesh.network, mesh.shares, 20, flood, seed=1)
    assert mesh_run.t100 == pytest.approx([0.1] * 20)
    assert min(hall_run.t100) >= 0.2 - 1e-9


def test_with_the_kits_fanouts_half_a_hall_holds_a_block_later_than_half_a_mesh():
    # the same hop, fan-outs (miner 8, relays 6) and watcher: on ~8 links a node a relay's
    # picks fall more often on peers that hold the block already, so the first half of
    # the room is reached later (10 of 10 seeds; 0.006-0.026 s at 40 blocks). The time to
    # *every* node is not ordered so: at N = 100 it is a tie (hall higher in 7 seeds of 10),
    # and the mesh's fan-out misses a node more often, which the watcher catches up later
    rounds = 40
    hall = scenarios.lecture_hall(100, hop=0.1, seed=1).run(rounds, seed=1)
    mesh = scenarios.classroom(100, hop=0.1, seed=1, miner_fanout=8).run(rounds, seed=1)
    assert len(hall.t100) == len(mesh.t100) == rounds
    assert median(hall.t50) > median(mesh.t50)
