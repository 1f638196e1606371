"""One exception family for everything the kit refuses.

Every message names the thing refused (a block by its index, a post by its id)
and the rule it broke, so that a learner can act on it without a traceback. All of
them live in this one file (the modules that raise them re-export theirs), so
``except EduChainError`` catches everything the kit refuses, and the HTTP API maps
each kind to the status that says what happened (``network/api.py``).
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


# -- the node and its peers ----------------------------------------------------------
class Unavailable(EduChainError):
    """The node cannot do this now (its chain kept changing, it is stopping); try again."""


class ShuttingDown(Unavailable):
    """The node is shutting down: nothing new is started."""


class MiningBusy(EduChainError):
    """This node is mining already; a second request would only wait for the first."""


class PeerError(EduChainError):
    """A node could not be reached, or answered with an error (``status``: its HTTP code)."""

    def __init__(self, message: str, status: int | None = None):
        self.status = status
        super().__init__(message)


class BadAddress(EduChainError):
    """A node address that is not an http(s) URL with a host and a port."""


class NotOurNetwork(BadAddress):
    """The address answers, but not as an edu_chain node of this network."""


class TooManyPeers(EduChainError):
    """The node already has as many peers as it may keep."""


class BadRequest(EduChainError):
    """The request itself is malformed (not JSON, a field missing or of the wrong type)."""


class RateLimited(EduChainError):
    """Too many requests from one client; ``retry_after`` seconds until the next is allowed."""

    def __init__(self, message: str, retry_after: int):
        self.retry_after = retry_after
        super().__init__(message)


# -- the people's side: keys, the room, exercises, the command line ------------------
class WalletError(EduChainError):
    """An identity cannot be created or found."""


class FormError(EduChainError, ValueError):
    """A pay form of the posts app that cannot become a payment; the message says why, to
    the learner."""


class NotANode(EduChainError):
    """A node's answer was not what an edu_chain node says (the dashboard's walk)."""


class ExerciseFailed(EduChainError):
    """A check did not pass while grading (``EDU_CHAIN_GRADING=1``)."""


class AnswerUnreadable(EduChainError, ValueError):
    """What a learner's function sent back is not a value the checker reads."""


class AnswerTooLarge(AnswerUnreadable):
    """An answer deeper or larger than any exercise asks for."""


class CallRefused(EduChainError, RuntimeError):
    """A call a learner's code may not make while it is checked (the grading guard)."""


class CliError(EduChainError):
    """A problem the user can fix; printed without a traceback."""


class UnsupportedMediaType(BadRequest):
    """A body sent with another Content-Type than the endpoint takes (415)."""


class Forbidden(EduChainError):
    """Refused whatever the request holds: an address the node may not contact (403)."""


class CrossSite(Forbidden):
    """A request a page of another web site made (403)."""


class InvalidCoins(EduChainError):
    """A transaction or block breaks a coin rule (edu_chain.ledger): the message says which."""


class ConflictingPayment(InvalidCoins):
    """A payment spends a coin a pending payment spends already (first seen wins: 409)."""
