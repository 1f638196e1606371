"""One exception family for everything the kit refuses.

Every message names the thing refused (a block by its index, a post by its id)
and the rule it broke, so that a learner can act on it without a traceback.
"""


class EduChainError(Exception):
    """Base class: catch this to catch anything edu_chain refuses."""


class InvalidPost(EduChainError):
    """A post is malformed, too large, badly signed, or not acceptable to the pool."""


class DuplicatePost(InvalidPost):
    """The post is already pending or already on the chain."""


class InvalidBlock(EduChainError):
    """A block breaks a rule: link, index, timestamp, difficulty, proof or Merkle root."""

    def __init__(self, reason: str, index: int | None = None):
        self.index = index
        self.reason = reason
        where = f"block #{index}: " if index is not None else "block: "
        super().__init__(where + reason)


class InvalidChain(EduChainError):
    """A whole chain was refused; ``bad_index`` is the first block that broke a rule."""

    def __init__(self, reason: str, bad_index: int | None = None):
        self.bad_index = bad_index
        self.reason = reason
        super().__init__(reason)


class StoreError(EduChainError):
    """The on-disk store cannot be used (wrong network, unreadable file)."""


class MiningStopped(EduChainError):
    """Mining was stopped from outside before a valid nonce was found."""

    def __init__(self, message: str, attempts: int = 0):
        self.attempts = attempts
        super().__init__(message)


class UnlinkedBlock(InvalidBlock):
    """A block that does not extend our tip: we are behind, or it is on another branch."""
