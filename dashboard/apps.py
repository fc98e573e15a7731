from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "数据看板"

    def ready(self):
        from orgtree.signals import subtree_moved

        from .rollup import mark_stale

        subtree_moved.connect(mark_stale, dispatch_uid="dashboard_rollup_stale")
