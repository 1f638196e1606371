"""The room as an HTML fragment: the same picture in the web page and the notebook widget.

Everything that comes from a node (addresses, errors, authors) is escaped here, in the
one place that builds the markup.
"""

from __future__ import annotations

from html import escape

STYLE = """<style>
.edu-room { font-family: sans-serif; font-size: 13px; }
.edu-room table { border-collapse: collapse; margin: 6px 0 10px; }
.edu-room th, .edu-room td { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left; }
.edu-room tr.unreachable td { color: #a00; }
.edu-room .tree { overflow-x: auto; border: 1px solid #eee; }
.edu-room .key span { padding: 0 6px; margin-right: 6px; border: 1px solid #456; }
</style>"""


def summary_line(room: dict) -> str:
    tips = room["distinct_tips"]
    agreement = (
        "all reachable nodes agree on one tip"
        if tips == 1
        else f"{tips} different tips: the room has not agreed yet"
        if tips
        else "no tips"
    )
    return (
        f"{room['reachable']} node(s) reachable, {room['unreachable']} unreachable; "
        f"height {room['height'] if room['height'] is not None else '?'}; {agreement}; "
        f"{room['tree']['forks']} live fork(s), {room['tree']['abandoned']} abandoned "
        f"block(s) in view (looked in {room['seconds']:.2f} s)" + _coins_said(room["tree"])
    )


def _coins_said(tree: dict) -> str:
    """The room's coins on the highest chain, checked against the subsidies (when any)."""
    coins = tree.get("coins")
    if not coins or not coins["blocks"]:
        return ""
    check = (
        "equal to the sum of the subsidies"
        if coins["equal"]
        else f"NOT equal to the sum of the subsidies ({coins['subsidies']} units)"
    )
    return f"; coins: {coins['supply']} units in {coins['blocks']} coin block(s), {check}"


GROUP_ABOVE = 30  # a room larger than this is drawn as groups, not one row per node
LABELS_SHOWN = 12  # node labels listed in one group's row


def node_groups(room: dict) -> list[dict]:
    """The nodes grouped by what a teacher looks for: reachable nodes by tip (height),
    unreachable ones by what went wrong; the largest group first."""
    groups: dict[tuple, dict] = {}
    for node in room["nodes"]:
        if node["reachable"]:
            key: tuple = ("tip", node["tip"] or "", node["height"])
            what = f"tip {(node['tip'] or '')[:12]} at height {node['height']}"
        else:
            reason = node["error"] or "unreachable"
            key, what = ("down", reason), f"unreachable: {reason}"
        group = groups.setdefault(
            key, {"what": what, "reachable": node["reachable"], "labels": [], "pending": []}
        )
        group["labels"].append(node["label"])
        if node["pending"] is not None:
            group["pending"].append(node["pending"])
    return sorted(groups.values(), key=lambda g: (not g["reachable"], -len(g["labels"])))


def _group_rows(room: dict) -> list[str]:
    rows = []
    for group in node_groups(room):
        labels = group["labels"]
        shown = ", ".join(labels[:LABELS_SHOWN]) + (
            f" and {len(labels) - LABELS_SHOWN} more" if len(labels) > LABELS_SHOWN else ""
        )
        pending = group["pending"]
        span = f"{min(pending)}–{max(pending)}" if pending else "–"
        rows.append(
            f'<tr class="{"reachable" if group["reachable"] else "unreachable"}">'
            f"<td>{escape(group['what'])}</td><td>{len(labels)}</td>"
            f"<td>{escape(span)}</td><td>{escape(shown)}</td></tr>"
        )
    return [
        '<table class="groups"><tr><th>nodes that show</th><th>how many</th>'
        "<th>pending posts</th><th>which</th></tr>",
        *rows,
        "</table>",
    ]


def room_html(room: dict) -> str:
    """Summary, the nodes (a row each, or groups in a large room) and the block tree."""
    if len(room["nodes"]) > GROUP_ABOVE:
        table = _group_rows(room)
    else:
        table = _node_rows(room)
    tree = room["tree"]
    return "".join(
        [
            STYLE,
            '<div class="edu-room">',
            f'<p class="summary">{escape(summary_line(room))}</p>',
            *table,
            '<p class="key"><span style="background:#d8e8ff">main chain</span>'
            '<span style="background:#ffe2b8">fork held by a node</span>'
            '<span style="background:#e6e6e6">abandoned (reorganised away)</span></p>',
            f'<div class="tree">{tree["svg"] or "<p>no blocks yet</p>"}</div>',
            f'<p class="note">{escape(tree["note"])} Hover over a block for its details.</p>',
            "</div>",
        ]
    )


def _node_rows(room: dict) -> list[str]:
    rows = []
    for node in room["nodes"]:
        status = "ok" if node["reachable"] else escape(node["error"] or "unreachable")
        tip = escape((node["tip"] or "")[:12])
        rows.append(
            f'<tr class="{"reachable" if node["reachable"] else "unreachable"}" '
            f'data-url="{escape(node["url"])}"><td>{escape(node["label"])}</td>'
            f"<td>{escape(node['url'])}</td><td>{_or_dash(node['height'])}</td>"
            f"<td><code>{tip or '–'}</code></td><td>{_or_dash(node['pending'])}</td>"
            f"<td>{len(node['peers']) if node['reachable'] else '–'}</td>"
            f"<td>{node['first_seen']}</td><td>{status}</td></tr>"
        )
    return [
        '<table class="nodes"><tr><th>node</th><th>address</th><th>height</th><th>tip</th>'
        "<th>pending posts</th><th>peers</th>"
        '<th title="blocks this dashboard first found on this node alone, before they '
        'spread: most likely mined there">blocks mined here</th><th>status</th></tr>',
        *rows,
        "</table>",
    ]


def _or_dash(value) -> str:
    return "–" if value is None else escape(str(value))
