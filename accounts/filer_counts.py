"""填报单位用户管理's row count as it opens, kept per viewer until the filer units change.

Unfiltered, the list counts the viewer's whole subtree on every view: GB's count reads all 150,000
units (8 ms, growing with the registry). It is kept in the shared cache under a change counter read
with the page's other slots (govmedia.common.pagestate.Generation). A filer unit added or removed,
or a subtree moved to another parent, moves the counter. A filtered list is counted as before."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from govmedia.common import pagestate
from orgtree.models import FilerUnit
from orgtree.signals import subtree_moved

CHANGES = pagestate.Generation("filer-units:generation", "filer_units_generation")
TOTAL_TTL = 60  # as the media tab counts: a change no signal reports (a restore) shows within a minute

pagestate.register("filer_units_total",
                   lambda user: f"filer-units:total:{user.org_unit_id}" if getattr(user, "kind", "") == "org" else None)


def total_for(user, compute) -> int:
    """The rows of the viewer's unfiltered list: from the page state's one round trip when current."""
    return pagestate.with_generation(user, "filer_units_total", CHANGES.current(user), compute, TOTAL_TTL)


@receiver(post_save, sender=FilerUnit, dispatch_uid="filer_units_total_added")
def unit_added(sender, instance, created, raw=False, **kwargs):
    if created:
        CHANGES.bump()


@receiver(post_delete, sender=FilerUnit, dispatch_uid="filer_units_total_removed")
def unit_removed(sender, instance, **kwargs):
    CHANGES.bump()


@receiver(subtree_moved, dispatch_uid="filer_units_total_moved")
def subtree_moved_elsewhere(sender, **kwargs):
    CHANGES.bump()
