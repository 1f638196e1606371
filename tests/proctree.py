"""Which processes a test started, read from /proc (Linux): so a test can prove that it
left nothing running."""

from pathlib import Path


def _stats() -> list[tuple[int, str, int, int]]:
    """(pid, state, parent pid, session id) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found.append((int(entry.name), fields[0], int(fields[1]), int(fields[3])))
    return found


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``."""
    children: dict[int, list[int]] = {}
    for child, _, parent, _ in _stats():
        children.setdefault(parent, []).append(child)
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def in_session(session: int) -> set[int]:
    """Live processes of a session (a child started with ``start_new_session=True``)."""
    return {pid for pid, state, _, sid in _stats() if sid == session and state != "Z"}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
