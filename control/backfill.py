"""Codes for the objects that have none (0058): an account or website registered before the control
app, or written in bulk (an import's COPY sends no post_save), gets its proof here — set-wise, in
batches, through the table's control_code_issued (the engine's create_many: one COPY of proofs and
one of journal rows per batch). Run hourly by the scheduler (jobs/schedule.py) and by
`manage.py control_issue_codes`; a page never writes one (查看 shows 未验证 until then)."""
from __future__ import annotations

from typing import Callable

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from .models import MEDIA, WEBSITE, Proof
from accounts_media.models import MediaAccount
from reviews.engine import SYSTEM, create_many
from .services import proof_for
from .workflow import WORKFLOW
from websites.models import Website

BATCH = 1000


def _model(subject_type: str):
    if subject_type == WEBSITE:
        return Website

    return MediaAccount


def missing(subject_type: str):
    """The objects of one type without a proof (an anti-join on the proofs' unique (type, id))."""
    has = Proof.objects.filter(subject_type=subject_type, subject_id=OuterRef("pk"))
    return _model(subject_type).objects.filter(~Exists(has))


def _issue(subject_type: str, objs: list) -> int:
    try:
        with transaction.atomic():
            create_many(WORKFLOW, [Proof() for _ in objs], "control_code_issued", SYSTEM, [{"subject": o} for o in objs])
        return len(objs)
    except IntegrityError:   # a save issued one meanwhile: the batch one by one (each checks first)
        for obj in objs:
            proof_for(obj)
        return len(objs)


def issue_missing(now=None, batch: int = BATCH, progress: Callable[[int], None] | None = None) -> str:
    """Issue the missing codes, `batch` objects per transaction; safe to run twice or concurrently
    (a second run finds nothing left, a clash falls back to the one-by-one path)."""
    issued = {MEDIA: 0, WEBSITE: 0}
    for subject_type in (MEDIA, WEBSITE):
        last = 0
        while True:
            objs = list(missing(subject_type).filter(pk__gt=last).order_by("pk")[:batch])
            if not objs:
                break
            issued[subject_type] += _issue(subject_type, objs)
            last = objs[-1].pk
            if progress is not None:
                progress(issued[MEDIA] + issued[WEBSITE])
    return f"生成控制权验证码：新媒体账号 {issued[MEDIA]} 个，政府网站 {issued[WEBSITE]} 个"
