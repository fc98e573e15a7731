import os, cProfile, pstats, io, time
import django; django.setup()
from django.test import RequestFactory
from accounts.models import User
from accounts_media.lists import MEDIA_LIST
from accounts_media.selectors import accounts_visible_to
from govmedia.common.lists import export_response
rf = RequestFactory(); req = rf.get("/media/", {"export": "all"}); req.user = User.objects.get(username="GB0000")
qs = accounts_visible_to(req.user).select_related("filer_unit")
ids = list(qs.values_list("pk", flat=True)[:20000])
pr = cProfile.Profile(); pr.enable()
t=time.perf_counter(); r = export_response(req, MEDIA_LIST, qs.filter(pk__in=ids)); print("export 20k", time.perf_counter()-t)
pr.disable()
pstats.Stats(pr).sort_stats("tottime").print_stats(18)
