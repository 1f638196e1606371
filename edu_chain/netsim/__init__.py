"""The network lab: a discrete-event model of a proof-of-work network (SimPy).

``model`` runs the network (miners, peer graph, latency, bandwidth, validation, the kit's
fork choice, honest and selfish miners); ``topology`` builds peer graphs; ``theory`` holds
the published laws the model is checked against; ``sweep`` runs it over block intervals
and sizes with the kit's sweep habits (progress bar, resumable CSV, Dask).

It needs SimPy (the ``lab`` extra); nothing else in the kit imports it.
"""

from pathlib import Path

from .model import FIRST_SEEN, LOWEST_HASH, Params, Result, Simulation, median, simulate
from .topology import Network, full_mesh, gervais_bitcoin, random_graph, two_nodes

DATA = Path(__file__).resolve().parent / "data"  # runs too large for a notebook, precomputed
# by benchmarks/netsim_bench.py (each CSV's command is in docs/netlab.md)

__all__ = [
    "DATA",
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
