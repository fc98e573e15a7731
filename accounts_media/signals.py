from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.dispatch import receiver

from orgtree.signals import subtree_moved

from .models import MediaAccount


@receiver(subtree_moved)
def move_account_paths(sender, old_prefix, new_prefix, new_parent=None, left_ids=(), **kwargs):
    """A moved subtree takes its accounts along: rewrite their copy of the org path, and a request
    waiting at a unit that is no longer above the account (an add request that had climbed past
    the moved unit) now waits at the new parent, the first unit above it in the new chain."""
    MediaAccount.objects.filter(org_path__startswith=old_prefix).update(
        org_path=Concat(Value(new_prefix), Substr("org_path", len(old_prefix) + 1))
    )
    if left_ids and new_parent is not None:
        MediaAccount.objects.filter(org_path__startswith=new_prefix, reviewer_id__in=left_ids).update(reviewer=new_parent, version=F("version") + 1)
