"""What the org tree plugs in at start-up (OrgtreeConfig.ready): every change of the tree ends the
cached cascades (orgtree.selectors.cascade_options)."""
from django.db.models.signals import post_delete, post_save

from .models import OrgUnit
from .selectors import bump_tree
from .signals import subtree_moved

post_save.connect(bump_tree, sender=OrgUnit, dispatch_uid="orgtree_cascade_saved")
post_delete.connect(bump_tree, sender=OrgUnit, dispatch_uid="orgtree_cascade_deleted")
subtree_moved.connect(bump_tree, sender=OrgUnit, dispatch_uid="orgtree_cascade_moved")
