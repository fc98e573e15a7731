"""A new object, or one whose link changed, gets a code for that link (the old proof no longer
holds: the registry proved control of the old link, not the new one).

The link an instance was loaded with is remembered (post_init), so an ordinary save (an approval,
a counter) costs no query here; an instance whose link was not loaded falls back to one."""
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from accounts_media.models import MediaAccount
from websites.models import Website

from .models import Proof
from .services import link_of, proof_for, subject_type_of

LINK_FIELD = {MediaAccount: "url", Website: "homepage"}
UNKNOWN = object()


@receiver(post_init, sender=MediaAccount, dispatch_uid="control_account_loaded")
@receiver(post_init, sender=Website, dispatch_uid="control_website_loaded")
def link_loaded(sender, instance, **kwargs):
    instance._control_link = instance.__dict__.get(LINK_FIELD[sender], UNKNOWN) if instance.pk else UNKNOWN


@receiver(post_save, sender=MediaAccount, dispatch_uid="control_account_link")
@receiver(post_save, sender=Website, dispatch_uid="control_website_link")
def link_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return

    link, loaded = link_of(instance), getattr(instance, "_control_link", UNKNOWN)
    if created or (loaded is UNKNOWN and Proof.objects.filter(
            subject_type=subject_type_of(instance), subject_id=instance.pk).exclude(link=link).exists()) \
            or (loaded is not UNKNOWN and loaded != link):
        proof_for(instance)
    instance._control_link = link
