from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

from .signals import subtree_moved


class OrgtreeConfig(AppConfig):
    name = "orgtree"
    verbose_name = "组织机构"

    def ready(self):
        from .models import OrgUnit  # app start-up: models are ready only in ready()
        from .selectors import bump_tree  # app start-up: reads the models

        # Every change of the tree ends the cached cascades (orgtree.selectors.cascade_options).
        post_save.connect(bump_tree, sender=OrgUnit, dispatch_uid="orgtree_cascade_saved")
        post_delete.connect(bump_tree, sender=OrgUnit, dispatch_uid="orgtree_cascade_deleted")
        subtree_moved.connect(bump_tree, sender=OrgUnit, dispatch_uid="orgtree_cascade_moved")
