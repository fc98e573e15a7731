from django.apps import AppConfig

from orgtree.signals import subtree_moved


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "数据看板"

    def ready(self):
        from reviews import engine  # app start-up: the engine reads the models

        from .rollup import mark_stale  # app start-up: the rollup reads the models
        from .waiting import on_transitions  # app start-up: reads the models

        subtree_moved.connect(mark_stale, dispatch_uid="dashboard_rollup_stale")
        engine.observe(on_transitions)  # a website's request that moves: the 待审核 panels' cache ends
