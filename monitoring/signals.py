"""The hook for notifications (issue 18 item 5): `finding_opened` is sent once per new finding,
after the run's chunk has committed, with `finding=<Finding>`. Connect a receiver to tell the
object's owner ("a monitoring finding on your object"); the message text is `finding.message(today)`."""
from django.dispatch import Signal

finding_opened = Signal()
