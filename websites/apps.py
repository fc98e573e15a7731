from django.apps import AppConfig


class WebsitesConfig(AppConfig):
    name = "websites"
    verbose_name = "政府网站"

    def ready(self):
        from . import signals  # noqa: F401  app start-up: subtree moves rewrite org_path and review positions
