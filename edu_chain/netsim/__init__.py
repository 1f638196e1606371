"""The network lab: a discrete-event model of a proof-of-work network (SimPy).

``model`` runs the network (miners, peer graph, latency, bandwidth, validation, the kit's
fork choice, honest and selfish miners); ``topology`` builds peer graphs; ``theory`` holds
the published laws the model is checked against; ``sweep`` runs it over block intervals
and sizes with the kit's sweep habits (progress bar, resumable CSV, Dask).

It needs SimPy (the ``lab`` extra); nothing else in the kit imports it.
"""

from .model import FIRST_SEEN, LOWEST_HASH, Params, Result, Simulation, median, simulate
from .topology import Network, full_mesh, gervais_bitcoin, random_graph, two_nodes

__all__ = [
    "FIRST_SEEN",
    "LOWEST_HASH",
    "Network",
    "Params",
    "Result",
    "Simulation",
    "full_mesh",
    "gervais_bitcoin",
    "median",
    "random_graph",
    "simulate",
    "two_nodes",
]
