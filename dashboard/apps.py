from django.apps import AppConfig

from orgtree.signals import subtree_moved


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "数据看板"

    def ready(self):
        from .rollup import mark_stale  # app start-up: the rollup reads the models

        subtree_moved.connect(mark_stale, dispatch_uid="dashboard_rollup_stale")
