"""The teacher's live view of a room: every node, its chain, and the forks as they happen.

``edu-chain dashboard --node URL`` serves it as a web page; ``edu_chain.lab.live.dashboard.
RoomDashboard(url)`` shows the same in a notebook. Both walk the room from one node with
:class:`~edu_chain.dashboard.room.RoomWatcher`, using only the nodes' HTTP API.
"""

from .room import RoomWatcher, node_address
from .tree import BlockTree

__all__ = ["BlockTree", "RoomWatcher", "node_address"]
