"""edu_chain: build a small proof-of-work blockchain step by step, then run it as a network.

The core (this package's top-level modules) needs only the standard library and
``cryptography``; the network, lab and apps layers sit on top of it.
"""

from .block import Block
from .chain import Blockchain, ChainUpdate
from .errors import (
    DuplicatePost,
    EduChainError,
    InvalidBlock,
    InvalidChain,
    InvalidPost,
    MiningStopped,
    StoreError,
    UnlinkedBlock,
)
from .params import NetworkParams
from .pow import MiningResult, mine, solve
from .store import Store
from .transactions import Post

__version__ = "0.1.0"  # the one place; pyproject.toml reads it (dynamic version)

__all__ = [
    "Block",
    "Blockchain",
    "ChainUpdate",
    "DuplicatePost",
    "EduChainError",
    "InvalidBlock",
    "InvalidChain",
    "InvalidPost",
    "MiningResult",
    "MiningStopped",
    "NetworkParams",
    "Post",
    "Store",
    "StoreError",
    "UnlinkedBlock",
    "mine",
    "solve",
]
