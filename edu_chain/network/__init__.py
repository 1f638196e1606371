"""The network layer: a node service (no Flask), its HTTP API (Flask), and a peer client."""

from ..errors import PeerError
from .client import NodeClient, PeerClient
from .peers import normalize_address
from .service import Node

__all__ = ["Node", "NodeClient", "PeerClient", "PeerError", "normalize_address"]
