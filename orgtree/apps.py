from django.apps import AppConfig


class OrgtreeConfig(AppConfig):
    name = "orgtree"
    verbose_name = "组织机构"

    def ready(self):
        from . import wiring  # noqa: F401  app start-up: the tree's changes end the cached cascades
