from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "数据看板"

    def ready(self):
        from orgtree.signals import subtree_moved

        from reviews import engine

        from .rollup import mark_stale
        from .waiting import on_transitions

        subtree_moved.connect(mark_stale, dispatch_uid="dashboard_rollup_stale")
        engine.observe(on_transitions)  # a website's request that moves: the 待审核 panels' cache ends
