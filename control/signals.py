"""A new object, or one whose link changed, gets a code for that link (the old proof no longer
holds: the registry proved control of the old link, not the new one).

The link an instance was read with (govmedia.common.fastload.loaded_value) is compared, so an
ordinary save (an approval, a counter) costs no query here; an instance whose link was not read
falls back to one. (Not a post_init receiver: one receiver made every instance a page reads send
the signal through its receiver lookup.)"""
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts_media.models import MediaAccount
from govmedia.common.fastload import loaded_value
from websites.models import Website

from .models import Proof
from .services import link_of, proof_for, subject_type_of

LINK_FIELD = {MediaAccount: "url", Website: "homepage"}
UNKNOWN = object()


def link_loaded(instance):
    """The link `instance` was read with or last saved with here, else UNKNOWN."""
    saved = instance.__dict__.get("_control_link", UNKNOWN)
    return saved if saved is not UNKNOWN else loaded_value(instance, LINK_FIELD[type(instance)], UNKNOWN)


@receiver(post_save, sender=MediaAccount, dispatch_uid="control_account_link")
@receiver(post_save, sender=Website, dispatch_uid="control_website_link")
def link_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return

    link, loaded = link_of(instance), link_loaded(instance)
    if created or (loaded is UNKNOWN and Proof.objects.filter(
            subject_type=subject_type_of(instance), subject_id=instance.pk).exclude(link=link).exists()) \
            or (loaded is not UNKNOWN and loaded != link):
        proof_for(instance)
    instance._control_link = link
