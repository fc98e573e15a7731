"""Sessions in the database (the concurrent-session limit and 退出 of other sessions read them there,
accounts.session_policy), read with a statement compiled once per process (govmedia.common.prepared)."""
from datetime import datetime, timezone as dt_timezone

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from govmedia.common.prepared import PreparedQuery

_LIVE_SESSION = PreparedQuery(
    Session, lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now),
    key="\x00prepared-session-key", now=datetime(1901, 2, 3, 4, 5, 6, tzinfo=dt_timezone.utc))


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = _LIVE_SESSION.first(key=self.session_key, now=timezone.now())
        if found is None:
            self._session_key = None
        return found
