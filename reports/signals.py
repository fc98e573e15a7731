from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.dispatch import receiver

from orgtree.signals import subtree_moved

from .models import CheckSheet


@receiver(subtree_moved)
def move_sheet_paths(sender, old_prefix, new_prefix, **kwargs):
    """A moved subtree takes its 检查结果信息表 along: the new chain above it reads them from now on."""
    CheckSheet.objects.filter(org_path__startswith=old_prefix).update(
        org_path=Concat(Value(new_prefix), Substr("org_path", len(old_prefix) + 1)))
