from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Job


def jobs_of(user):
    """A user's own jobs (another user's job id is a 404)."""
    return Job.objects.filter(requested_by=user)


def download_center(user):
    """下载中心: the user's jobs of the last JOBS_EXPORT_KEEP_DAYS days (plus any still running)."""
    since = timezone.now() - timedelta(days=settings.JOBS_EXPORT_KEEP_DAYS)
    exports = jobs_of(user).filter(kind=Job.Kind.EXPORT)
    return exports.filter(created_at__gte=since) | exports.filter(finished_at__isnull=True)
