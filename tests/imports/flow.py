"""批量导入 as a user goes through it now that the check and the write are jobs: the upload starts
the check job, the worker's runner runs it (in this process, jobs.services.execute through the
queue's own worker loop), the job page then shows the result; 提交 / 暂存 the same way."""
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.jobs_helpers import run_queued_jobs

URL = "/media/import/"
CONFIRM = "/media/import/confirm/"


def upload(client, content, name="导入.xlsx"):
    """The page the user sees once the check is done (or the upload's own refusal)."""
    response = client.post(URL, {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")})
    if response.status_code != 302:
        return response
    assert "/media/import/job/" in response.url, response.url
    run_queued_jobs()
    return client.get(response.url)


def confirm(client, checked, action="submit"):
    """提交 / 暂存 / 取消 on the page of a clean check: the write job run, where it lands returned."""
    response = client.post(CONFIRM, {action: "1", "job": checked.context["job"].pk})
    if response.status_code == 302 and "/media/import/job/" in response.url:
        run_queued_jobs()
        return client.get(response.url)
    return response
