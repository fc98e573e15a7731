from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.dispatch import receiver

from orgtree.signals import subtree_moved

from .models import Website


@receiver(subtree_moved)
def move_website_paths(sender, old_prefix, new_prefix, new_parent=None, left_ids=(), **kwargs):
    """A moved subtree takes its websites along (SPEC §3): their copy of the org path, and the
    review positions (申报/修改 and 下线) that sat at a unit no longer above the site move to the
    new parent, the first unit above the subtree in its new chain."""
    Website.objects.filter(org_path__startswith=old_prefix).update(
        org_path=Concat(Value(new_prefix), Substr("org_path", len(old_prefix) + 1))
    )
    if left_ids and new_parent is not None:
        moved = Website.objects.filter(org_path__startswith=new_prefix)
        moved.filter(reviewer_id__in=left_ids).update(reviewer=new_parent, version=F("version") + 1)
        moved.filter(offline_reviewer_id__in=left_ids).update(offline_reviewer=new_parent, version=F("version") + 1)
