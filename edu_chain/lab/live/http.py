"""Show an HTTP call the way the tutorial does: the curl command, then the answer."""

from __future__ import annotations

import json
import shlex

import requests

TIMEOUT = 10  # seconds


def curl_command(method: str, url: str, body=None) -> str:
    parts = ["curl"]
    if method != "GET":
        parts += ["-X", method]
    parts.append(url)
    if body is not None:
        parts += ["-H", "'Content-Type: application/json'", "-d", shlex.quote(json.dumps(body))]
    return " ".join(parts)


def call(method: str, url: str, body=None, *, max_lines: int = 12) -> None:
    """Make the request, print its curl twin and the reply (status and body)."""
    print("$", curl_command(method, url, body))
    reply = requests.request(method, url, json=body, timeout=TIMEOUT)
    try:
        text = json.dumps(reply.json(), indent=1, ensure_ascii=False)
    except ValueError:
        text = reply.text
    lines = text.splitlines()
    if len(lines) > max_lines:
        lines = lines[:max_lines] + [f"… ({len(lines) - max_lines} more lines)"]
    print(f"→ {reply.status_code}", *lines, sep="\n  " if len(lines) > 1 else " ")
