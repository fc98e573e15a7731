import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
application = get_wsgi_application()

from govmedia.ops.checks import refuse_unsafe_start  # noqa: E402  (needs the app registry)

refuse_unsafe_start()  # DEBUG off: no SECRET_KEY, console SMS or a one-process cache → no start

from govmedia.ops.warmup import warm_up  # noqa: E402

warm_up()  # in gunicorn's master (preload_app): every worker forked from it starts warm
