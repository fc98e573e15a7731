"""A new object, or one whose link changed, gets a code for that link (the old proof no longer
holds: the registry proved control of the old link, not the new one)."""
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts_media.models import MediaAccount
from websites.models import Website

from .models import Proof


@receiver(post_save, sender=MediaAccount, dispatch_uid="control_account_link")
@receiver(post_save, sender=Website, dispatch_uid="control_website_link")
def link_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    from .services import link_of, proof_for, subject_type_of

    if created or Proof.objects.filter(subject_type=subject_type_of(instance), subject_id=instance.pk).exclude(
            link=link_of(instance)).exists():
        proof_for(instance)
