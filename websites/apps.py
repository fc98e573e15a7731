from django.apps import AppConfig


class WebsitesConfig(AppConfig):
    name = "websites"
    verbose_name = "政府网站"
