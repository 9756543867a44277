"""The knowledge-flow engine: how PDSA learning travels between school and district teams.

For notebooks and scripts::

    from communities.flow import load_graph, downstream, team_flow, brokers

    graph = load_graph("sqlite://nic-demo.sqlite3", "harrow-creek-hs-network")

``docs/research.md`` walks through every analysis on the demo community.
"""

from communities.flow.brokers import brokers
from communities.flow.evolution import evolution
from communities.flow.mainpath import main_path, search_path_counts
from communities.flow.notebook import load_graph
from communities.flow.reach import downstream, upstream
from communities.flow.resilience import cut_people, fragmentation
from communities.flow.silos import silos
from communities.flow.teamflow import team_flow

__all__ = [
    "brokers",
    "cut_people",
    "downstream",
    "evolution",
    "fragmentation",
    "load_graph",
    "main_path",
    "search_path_counts",
    "silos",
    "team_flow",
    "upstream",
]
