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
        f"block(s) in view (looked in {room['seconds']:.2f} s)"
    )


def room_html(room: dict) -> str:
    """Summary, the table of nodes and the block tree, as one HTML fragment."""
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
    tree = room["tree"]
    return "".join(
        [
            STYLE,
            '<div class="edu-room">',
            f'<p class="summary">{escape(summary_line(room))}</p>',
            '<table class="nodes"><tr><th>node</th><th>address</th><th>height</th><th>tip</th>'
            "<th>pending posts</th><th>peers</th>"
            '<th title="blocks this dashboard first found on this node alone, before they '
            'spread: most likely mined there">blocks mined here</th><th>status</th></tr>',
            *rows,
            "</table>",
            '<p class="key"><span style="background:#d8e8ff">main chain</span>'
            '<span style="background:#ffe2b8">fork held by a node</span>'
            '<span style="background:#e6e6e6">abandoned (reorganised away)</span></p>',
            f'<div class="tree">{tree["svg"] or "<p>no blocks yet</p>"}</div>',
            f'<p class="note">{escape(tree["note"])} Hover over a block for its details.</p>',
            "</div>",
        ]
    )


def _or_dash(value) -> str:
    return "–" if value is None else escape(str(value))
