"""The classroom with money (issue 23): students pay each other, and the coins are counted.

``payments``: in a few rounds, every student who holds spendable coins (its node's coinbases,
paid to the key in its data folder) pays another student through its own node; in each
round one student also tries to spend the same coins twice (the node must refuse the
second payment, first seen wins). A few students mine after each round.

``coin_account``, at the end: on every node the supply equals the sum of the subsidies
(``GET /coins/status``); on the common chain no output is spent twice; every accepted
payment is on the common chain, or was dropped for good with a reason a node gives (its
coins spent by a branch that won), or still waits in a pool — never lost.

A tree without coins (an older checkout under ``--tree``) answers 404 at /coins/status: both
phases then say so in a note and measure nothing.
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from classroom_flood import all_blocks
from classroom_phases import Lesson
from classroom_room import STUDENT_TIMEOUT, NodeProcess

ROUNDS = 3
FEE = 1_000  # units
MINERS_PER_ROUND = 3
RIPE_HEIGHT = 14  # a coinbase is spendable 10 blocks later: a short lesson mines up to here


def _has_coins(lesson: Lesson) -> bool:
    """Does the tree under test have coins? Asked of the teacher, then of a few students
    (a node busy after the lesson may not answer within the observer's deadline)."""
    answered = False
    for node in [lesson.teacher, *lesson.live_students()[:3]]:
        reply = lesson.room.session(node.url)
        try:
            answer = reply.get(node.url + "/coins/status", timeout=STUDENT_TIMEOUT)
        except Exception:  # noqa: BLE001 - no answer: ask the next node
            continue
        answered = True
        if answer.status_code == 200 and "supply" in answer.json():
            return True
        if answer.status_code == 404:
            break
    lesson.notes.append(
        "this tree's nodes have no coins: the payment phases measured nothing"
        if answered
        else "no node answered /coins/status in time: the payment phases measured nothing"
    )
    return False


def _coin_key(student: NodeProcess) -> Any:
    """The secp256k1 key the student's node pays its coinbases to (DATA-DIR/miner.pem)."""
    from cryptography.hazmat.primitives import serialization

    from edu_chain.wallet import coin_key_from

    key = serialization.load_pem_private_key(
        (student.data_dir / "miner.pem").read_bytes(), password=None
    )
    return coin_key_from(key)  # type: ignore[arg-type]


def _send(lesson: Lesson, node: NodeProcess, body: dict) -> tuple[str, Any]:
    """POST /coins/pay as a student: ("accepted", txid), ("refused", reason) or ("failed", why)."""
    try:
        reply = lesson.room.session(node.url).post(
            node.url + "/coins/pay", json=body, timeout=STUDENT_TIMEOUT
        )
    except requests.RequestException as error:
        return "failed", f"{node.name}: {type(error).__name__}"
    try:
        answer = reply.json()
    except ValueError:
        return "failed", f"{node.name}: HTTP {reply.status_code}, not JSON"
    if 200 <= reply.status_code < 300 and isinstance(answer, dict):
        return "accepted", answer.get("txid")
    if 400 <= reply.status_code < 500 and isinstance(answer, dict) and answer.get("error"):
        return "refused", f"{reply.status_code} {answer['error']}"
    return "failed", f"{node.name}: HTTP {reply.status_code}"


def _one_payment(lesson: Lesson, payer: NodeProcess, payee: NodeProcess, twice: bool) -> list:
    from edu_chain.wallet import WalletError, build_payment, sec

    try:
        key, to = _coin_key(payer), sec(_coin_key(payee))
    except (OSError, ValueError, TypeError):
        return [("skipped", f"{payer.name} or {payee.name} has no miner.pem")]
    balance = lesson.room.observe(payer, f"/coins/balance/{sec(key).hex()}")
    if not isinstance(balance, dict) or not isinstance(balance.get("height"), int):
        return [("skipped", f"{payer.name}'s balance could not be read")]
    amount = lesson.random.randint(1, 1000) * 10_000
    unspent, height = balance.get("unspent", []), balance["height"]
    try:
        tx = build_payment(key, unspent, height, to, amount, FEE)
    except WalletError:
        return [("skipped", "no spendable coins")]
    results = [_send(lesson, payer, tx.to_dict())]
    if twice and results[0][0] == "accepted":  # the same coins again, to herself
        again = build_payment(key, unspent, height, sec(key), amount)
        results.append(_send(lesson, payer, again.to_dict()))
        results[-1] = ("double spend " + results[-1][0], results[-1][1])
    return results


def _ripen(lesson: Lesson) -> None:
    """A short lesson (a smoke run) has mined too few blocks for any coinbase to mature:
    students post and mine until the chain is RIPE_HEIGHT long (bounded)."""
    for _ in range(3 * RIPE_HEIGHT):
        status = lesson.room.observe(lesson.teacher, "/coins/status")
        students = lesson.live_students()
        if not students or not isinstance(status, dict) or status["height"] >= RIPE_HEIGHT:
            return
        miner = lesson.random.choice(students)
        lesson.post("payments", miner)
        lesson.mine("payments", miner)
        time.sleep(0.2)


def payments(lesson: Lesson) -> None:
    """Rounds of payments between students, a double spend tried in each, a few mined."""
    if not _has_coins(lesson):
        return
    _ripen(lesson)
    outcome: Counter[str] = Counter()
    accepted: dict[str, str] = {}
    for round_number in range(ROUNDS):
        students = lesson.live_students()
        if len(students) < 2:
            break
        pairs = [(s, lesson.random.choice([o for o in students if o is not s])) for s in students]
        cheat = lesson.random.randrange(len(pairs))
        with ThreadPoolExecutor(max_workers=8) as pool:
            jobs = [
                pool.submit(_one_payment, lesson, payer, payee, i == cheat)
                for i, (payer, payee) in enumerate(pairs)
            ]
            rounds = [job.result() for job in jobs]
        for (payer, _), results in zip(pairs, rounds, strict=True):
            for kind, detail in results:
                outcome[kind] += 1
                if kind == "accepted" and detail:
                    accepted[detail] = payer.name
                elif kind in ("failed", "double spend accepted", "double spend failed"):
                    lesson.details.append(f"payment round {round_number + 1}: {kind}: {detail}")
        for miner in lesson.random.sample(students, min(MINERS_PER_ROUND, len(students))):
            lesson.mine("payments", miner)
        time.sleep(1.0)
    lesson.payments.update(accepted)
    lesson.note_drops()
    lesson.figures.update(
        payments_accepted=outcome["accepted"],
        payments_skipped=outcome["skipped"],
        payments_refused=outcome["refused"],
        payments_failed=outcome["failed"],
        double_spends_refused=outcome["double spend refused"],
        double_spends_accepted=outcome["double spend accepted"] + outcome["double spend failed"],
    )


def _spent_twice(blocks: list[dict]) -> int:
    spent = Counter(
        (str(i.get("txid")), i.get("index"))
        for block in blocks
        for tx in block.get("coins", []) or []
        for i in tx.get("inputs", []) or []
    )
    return sum(count - 1 for count in spent.values() if count > 1)


def coin_account(lesson: Lesson) -> None:
    """Supply = subsidies on every node; no output spent twice; every payment accounted for."""
    if not _has_coins(lesson):
        return
    nodes = lesson.everyone()
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda n: lesson.room.observe(n, "/coins/status", 30), nodes))
    read = [s for s in statuses if isinstance(s, dict)]
    lesson.figures["supply_equals_subsidies"] = (
        f"{sum(1 for s in read if s.get('supply_equals_subsidies'))} of {len(nodes)}"
    )
    chain = all_blocks(lesson, lesson.teacher) or []
    lesson.figures["outputs_spent_twice"] = _spent_twice(chain) if chain else None
    on_chain = {tx.get("txid") for b in chain for tx in b.get("coins", []) or []}
    dropped = dict(lesson.drops)  # what nodes said before any was killed, and now
    dropped.update(
        {d.get("txid"): d.get("reason") for s in read for d in s.get("dropped", []) or []}
    )
    paid = lesson.payments
    waiting = [t for t in paid if t not in on_chain and t not in dropped]
    still_pending = 0
    for txid in waiting:  # pending anywhere (the teacher first, then its payer's node)
        payer = next((n for n in nodes if n.name == paid[txid]), None)
        for node in [lesson.teacher] + ([payer] if payer is not None else []):
            answer = lesson.room.observe(node, f"/coins/tx/{txid}")
            if isinstance(answer, dict) and answer.get("status") == "pending":
                still_pending += 1
                break
    lesson.figures.update(
        payments_mined=sum(1 for t in paid if t in on_chain),
        payments_dropped=sum(1 for t in paid if t not in on_chain and t in dropped),
        payments_pending=still_pending,
        payments_lost=len(waiting) - still_pending,
    )
    for txid in waiting[:5]:
        lesson.details.append(
            f"payment {txid[:12]} by {paid[txid]}: not on the teacher's chain "
            "(pending, or lost: the figures above say which)"
        )
