"""What the dashboard plugs in at start-up (DashboardConfig.ready): a moved subtree makes the rollup
stale; a website's request that moves ends the 待审核 panels' cache."""
from orgtree.signals import subtree_moved
from reviews import engine

from .rollup import mark_stale
from .waiting import on_transitions

subtree_moved.connect(mark_stale, dispatch_uid="dashboard_rollup_stale")
engine.observe(on_transitions)  # a website's request that moves: the 待审核 panels' cache ends
