"""Run in a subprocess against a restored database (DATABASE_URL): what a person would check
after a restore. Prints one JSON object."""
import hashlib
import json
import re
import sys

import django

django.setup()

from django.test import Client  # noqa: E402

from accounts.filer_services import create_filer_unit  # noqa: E402
from accounts.models import User  # noqa: E402
from accounts_media.models import MediaAccount  # noqa: E402
from tests.accounts_media.conftest import normal_account  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402


def total(client, url, **params):
    return int(re.search(r"共 (\d+) 条", client.get(url, params).content.decode()).group(1))


report_id = int(sys.argv[1])
result = {}
beijing, filer = Client(), Client()
result["login_org"] = beijing.post("/", {"role": "org", "username": "110000", "password": PASSWORD}).status_code
result["login_filer"] = filer.post("/", {"role": "filer", "username": "110108M001", "password": PASSWORD}).status_code
result["filer_units_total"] = total(beijing, "/filer-units/")
result["media_total"] = total(filer, "/media/")
download = beijing.get(f"/spot-checks/{report_id}/document/download/")
result["document_status"] = download.status_code
result["document_sha256"] = hashlib.sha256(b"".join(download.streaming_content)).hexdigest()
result["initial_password_shown"] = "初始密码无法解密" not in beijing.get("/filer-units/", {"code": "110108M003"}).content.decode()
# Codes continue after the restore: a new filer unit and a new approved account.
l1 = User.objects.get(username="110000")
result["new_filer_code"] = create_filer_unit(l1, l1.org_unit.children.get(code="110108"), "恢复后新增单位")[0].code
chain = {u.username: u for u in User.objects.filter(username__in=["110108M001", "110108", "110000"])}
account = normal_account({"shangzhuang": chain["110108M001"], **chain}, name="恢复后账号",
                         url="https://weibo.com/u/7777777777", account_type="WB", wechat_kind="", platform_id="7777777777")
result["new_media_code"] = account.media_code
result["media_codes"] = sorted(MediaAccount.objects.exclude(media_code=None).values_list("media_code", flat=True))
print(json.dumps(result))
