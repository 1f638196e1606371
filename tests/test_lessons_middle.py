"""Issue 13, notebooks 05-10: each fix and each new lesson, checked where it lives.

Notebook tests read the committed notebooks (text and stored outputs) and check what a
learner is taught and in which order; library tests check the figures' numbers against
the chain's own, on real chains and real nodes.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
import requests

from edu_chain import Blockchain, NetworkParams, Post
from edu_chain.lab.live.network import LocalNetwork
from edu_chain.lab.topics.incentives import subsidy, total_supply

from .netutil import form_token

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
MINE = ["05", "06", "07", "08", "09", "10"]


def notebook(number: str):
    (path,) = NOTEBOOKS.glob(f"{number}_*.ipynb")
    return nbformat.read(path, as_version=4)


def index_of(cells, predicate) -> int:
    return next(i for i, cell in enumerate(cells) if predicate(cell))


def outputs_text(cell) -> str:
    return "".join(
        o.get("text", "") or o.get("data", {}).get("text/plain", "")
        for o in cell.get("outputs", [])
    )


# -- every notebook: goals, prerequisites, time ---------------------------------------
@pytest.mark.parametrize("number", MINE)
def test_each_notebook_states_goals_prerequisites_and_time(number):
    lines = [line.strip() for line in notebook(number).cells[0].source.splitlines() if line.strip()]
    assert lines[0].startswith(f"# {number} ·")
    assert lines[1].startswith("**Goals:** ") and len(lines[1]) > 60
    prerequisites = re.fullmatch(r"\*\*Prerequisites:\*\* (.+)", lines[2])
    assert prerequisites and (
        re.search(r"\b0\d\b", prerequisites.group(1)) or prerequisites.group(1) == "none"
    )
    # every notebook named as a prerequisite comes before this one
    assert all(int(n) < int(number) for n in re.findall(r"\b(\d\d)\b", prerequisites.group(1)))
    time = r"\*\*Time:\*\* main path about \d+ minutes, with going deeper about \d+ minutes\b.*"
    assert re.fullmatch(time, lines[3])


# -- 05: incentives ----------------------------------------------------------------------
def test_05_teaches_the_subsidy_with_bitcoin_cores_numbers_and_says_where_coins_are():
    cells = notebook("05").cells
    text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert "§6" in text and "GetBlockSubsidy" in text and "fees" in text
    assert r"\lfloor h / 210\,000 \rfloor" in text  # the formula, in LaTeX
    assert "2\\,099\\,999\\,997\\,690\\,000" in text
    assert re.search(r"blocks this notebook mines hold posts", text) and "no subsidy" in text
    assert "Coins are taught in notebook 17" in text  # where the coins are, said plainly
    assert "kit has no coins" not in text  # 17 teaches them: the old sentence is untrue
    printed = "".join(outputs_text(c) for c in cells if c.cell_type == "code")
    assert f"{total_supply():,} satoshis" in printed  # computed, not typed in
    assert f"{subsidy(840_000)} satoshis" in printed
    exercises = index_of(cells, lambda c: c.source.startswith("## Exercises"))
    incentives = index_of(cells, lambda c: c.source.startswith("## Why would anyone mine?"))
    assert incentives < exercises


def test_05_the_subsidy_picture_is_the_subsidy_rule():
    from edu_chain.lab.pictures.incentive_plots import subsidy_over_time, supply_by_era

    rows = supply_by_era(33)
    assert [btc for _, btc, _ in rows] == [subsidy(h) / 1e8 for h, _, _ in rows]
    assert round(rows[-1][2] * 1e8) == total_supply()
    figure = subsidy_over_time(eras=6)
    (stairs,) = [p for p in figure.axes[0].patches]
    assert list(stairs.get_data().values) == [subsidy(era * 210_000) / 1e8 for era in range(6)]


# -- 06: the mangled line and what bad requests get ---------------------------------------
def test_06_has_no_mangled_continuation_line_and_every_cell_parses():
    import ast

    for cell in notebook("06").cells:
        if cell.cell_type == "code":
            assert not re.search(r"\belse {2,}f[\"']", cell.source), cell.source
            ast.parse(cell.source)


def test_06_says_which_status_a_request_the_node_could_not_pass_on_gets():
    cells = notebook("06").cells
    bad = index_of(cells, lambda c: c.source.startswith("## Bad requests"))
    shown = outputs_text(cells[bad + 1])
    assert "→ 502" in shown  # what the learner sees ...
    assert "502" in cells[bad].source  # ... is what the text announces


# -- 07: retargeting and timestamps before the made-up timestamps --------------------------
def test_07_teaches_retargeting_and_timestamp_rules_before_using_made_up_timestamps():
    cells = notebook("07").cells
    first_retarget_use = index_of(
        cells, lambda c: c.cell_type == "code" and "retarget_interval=2" in c.source
    )
    retarget = index_of(cells, lambda c: c.source.startswith("## Retargeting"))
    rules = index_of(cells, lambda c: c.source.startswith("## The timestamp rules"))
    comment = index_of(cells, lambda c: c.source.startswith("### The made-up timestamps"))
    assert retarget < rules < comment < first_retarget_use
    bitcoin = "\n".join(c.source for c in cells[retarget:first_retarget_use])
    for fact in [
        "2016 blocks",
        "factor 4",
        "median",
        "previous 11",
        "2 hours",
        "CalculateNextWorkRequired",
        "ContextualCheckBlockHeader",
        "MAX_FUTURE_BLOCK_TIME",
    ]:
        assert fact in bitcoin, fact
    assert r"\log_2" in bitcoin and "T_{\\text{new}}" in bitcoin  # both rules in LaTeX
    assert "notebook 13" not in "\n".join(c.source for c in cells)  # taught here now


def test_07_shows_both_timestamp_rules_refusing_and_the_retarget_clamp():
    cells = notebook("07").cells
    shown = "\n".join(outputs_text(c) for c in cells if c.cell_type == "code")
    assert "is earlier than its parent's" in shown and "hours in the future" in shown
    assert "one hour ahead of the node's clock     → accepted" in shown
    assert "difficulty [8, 8, 8, 8, 10]" in shown  # fast blocks: +2 bits, clamped


def test_07_owns_the_next_difficulty_exercise():
    from edu_chain.lab.exercises import EXERCISES

    assert EXERCISES["next_difficulty"].notebook == "07"
    sources = [c.source for c in notebook("07").cells]
    assert any(s.startswith("### Exercise") and "`next_difficulty`" in s for s in sources)
    assert any(s == 'check("next_difficulty", next_difficulty)' for s in sources)


def _forked_chains():
    params = NetworkParams(difficulty=6, retarget_interval=2, target_block_seconds=100)
    heavy, light = Blockchain(params), Blockchain(params)
    for n in range(2):
        heavy.add_post(Post("heavy", f"h{n}", 1767225600 + n))
        heavy.mine(timestamp=1767225601 + n)
    for n in range(4):
        light.add_post(Post("light", f"l{n}", 1767225600 + n))
        light.mine(timestamp=1767225600 + 1000 * (n + 1))
    return heavy, light


def test_07_the_work_picture_shows_each_branchs_true_work_and_the_chain_nodes_choose():
    from edu_chain.lab.pictures.reorg import branch_work, winner, work_tree

    heavy, light = _forked_chains()
    chains = {"heavy": list(heavy.blocks), "light": list(light.blocks)}
    works = branch_work(chains)
    assert works == {"heavy": heavy.total_work, "light": light.total_work}
    assert len(light) > len(heavy) and works["heavy"] > works["light"]
    labels = [t.get_text() for t in work_tree(chains).axes[0].texts]
    assert f"W = {heavy.total_work:,}  ← chosen" in labels
    assert f"W = {light.total_work:,}" in labels
    assert winner(chains) == "heavy"
    assert light.consider_chain(heavy.blocks).adopted  # the chain the nodes pick
    difficulties = sorted(t for t in labels if t.startswith("d="))
    assert len(difficulties) == len({b.hash for blocks in chains.values() for b in blocks})


def test_07_the_tie_break_picks_the_lower_tip_hash_as_nodes_do():
    from edu_chain.lab.pictures.reorg import winner

    params = NetworkParams(difficulty=4)
    one, two = Blockchain(params), Blockchain(params)
    one.add_post(Post("a", "one", 1767225600))
    one.mine(timestamp=1767225660)
    two.add_post(Post("b", "two", 1767225600))
    two.mine(timestamp=1767225660)
    lower = "one" if one.tip.hash < two.tip.hash else "two"
    assert winner({"one": one.blocks, "two": two.blocks}) == lower
    assert winner({"two": two.blocks, "one": one.blocks}) == lower


# -- 08: the network, drawn from the running nodes -----------------------------------------
def test_08_pictures_come_from_the_live_network_at_each_step():
    cells = notebook("08").cells
    sources = [c.source for c in cells]
    cut = index_of(cells, lambda c: "network.partition([0, 1], [2, 3])" in c.source)
    healed = index_of(cells, lambda c: c.source.startswith("network.heal()"))
    assert "network_picture(network, groups=[[0, 1], [2, 3]])" in sources[cut + 2]
    drawn = [s.strip() for s in sources[healed + 1 : healed + 5] if "network_picture" in s]
    assert drawn[:1] == ["network_picture(network)"], "the healed network is drawn right after"
    gossip = index_of(cells, lambda c: "watch_gossip(" in c.source)
    assert "the post reached: A → B → C → D → E" in outputs_text(cells[gossip])


def test_08_gossip_is_watched_hop_by_hop_and_a_partition_is_drawn_as_it_is():
    from edu_chain.lab.pictures.network_view import (
        gossip_picture,
        links,
        network_picture,
        tip_colours,
        watch_gossip,
    )

    with LocalNetwork(
        4, topology="line", difficulty=6, name="middle gossip", sync_interval=None
    ) as line:
        arrivals = watch_gossip(line, {"author": "t", "content": "hop", "timestamp": 1767225600})
        assert [name for name, _ in arrivals] == ["A", "B", "C", "D"]
        assert [s for _, s in arrivals] == sorted(s for _, s in arrivals)
        assert len(gossip_picture(line, arrivals).axes) == 4
    with LocalNetwork(4, difficulty=6, name="middle partition", sync_interval=None) as network:
        assert len(links(network)) == 6
        network.partition([0, 1], [2, 3])
        network[0].client.submit({"author": "a", "content": "left", "timestamp": 1767225600})
        network[0].client.mine()
        network[2].client.submit({"author": "c", "content": "right", "timestamp": 1767225600})
        network[2].client.mine()
        deadline = time.monotonic() + 10  # each half passes its block on
        while time.monotonic() < deadline and len(set(network.tips())) != 2:
            time.sleep(0.02)
        assert len(set(tip_colours(network).values())) == 2
        figure = network_picture(network, groups=[[0, 1], [2, 3]])
        dashed = [line for line in figure.axes[0].lines if line.get_linestyle() == "--"]
        assert len(dashed) == 4  # the 4 links that cross the cut
        network.heal()
        assert network.wait_until_converged(timeout=10, pools=False)
        assert len(set(tip_colours(network).values())) == 1
        figure = network_picture(network)
        assert not [line for line in figure.axes[0].lines if line.get_linestyle() == "--"]


# -- 10: the app in a frame; its page checked here, not in the notebook ---------------------
def test_10_shows_the_app_in_a_frame_and_parses_no_html():
    cells = notebook("10").cells
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "embed(app.url" in code and "from edu_chain.lab.live.links import embed" in code
    assert not re.search(r"^import re$|\bre\.(findall|search|match|sub)\(", code, re.M)
    frames = [
        o
        for c in cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "<iframe" in o.get("data", {}).get("text/html", "")
    ]
    assert len(frames) >= 2
    assert all(" at 0x" not in o["data"]["text/plain"] for o in frames)  # stable output


def test_the_frame_uses_the_browser_address_and_prints_without_an_object_address(monkeypatch):
    from edu_chain.lab.live import links

    monkeypatch.delenv(links.PREFIX_ENV, raising=False)
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ana/")
    monkeypatch.delenv("JUPYTERHUB_PUBLIC_URL", raising=False)
    frame = links.embed("http://127.0.0.1:5000/", height=320)
    assert repr(frame) == "<the page at /user/ana/proxy/5000/, shown in a frame>"
    assert '<iframe src="/user/ana/proxy/5000/"' in frame._repr_html_()
    assert 'height="320"' in frame._repr_html_()


def test_10_the_page_behind_the_frame_shows_own_hashes_escapes_and_survives_a_dead_node():
    from edu_chain.wallet import Wallet
    from edu_chain.webapp import AppServer

    network = LocalNetwork(1, difficulty=6, name="middle posts app")
    with tempfile.TemporaryDirectory() as folder:
        wallet = Wallet(folder)
        wallet.create("alice")
        app = AppServer(network[0].url, wallet)
        try:
            browser = requests.Session()
            browser.post(
                f"{app.url}/post",
                data={
                    "csrf_token": form_token(browser, app.url),
                    "identity": "alice",
                    "content": "hi",
                },
                timeout=10,
            )
            page = browser.post(
                f"{app.url}/mine", data={"csrf_token": form_token(browser, app.url)}, timeout=30
            ).text
            tip = network[0].chain.tip
            assert tip.hash[:16] in page and tip.previous_hash[:16] not in page
            assert "verified" in page
            browser.post(
                f"{app.url}/post",
                timeout=10,
                data={
                    "csrf_token": form_token(browser, app.url),
                    "identity": "",
                    "author": "mallory",
                    "content": "<script>alert('x')</script>",
                },
            )
            page = browser.get(app.url, timeout=10).text
            assert "<script>alert" not in page and "&lt;script&gt;alert" in page
            network.stop()
            down = browser.get(app.url, timeout=10)
            assert down.status_code == 503 and "edu-chain node --port" in down.text
        finally:
            app.stop()
            network.stop()


# -- 09 ------------------------------------------------------------------------------------
def test_09_cites_the_signature_scheme():
    text = "\n".join(c.source for c in notebook("09").cells if c.cell_type == "markdown")
    assert "Ed25519" in text and "RFC 8032" in text
