"""One language, with no LocaleMiddleware: Django's own words (its form errors, the admin) are
Chinese in every worker thread and whatever language a browser asks for."""
import threading

import pytest
from django.utils import translation


def test_a_fresh_worker_thread_speaks_chinese():
    seen = {}

    def worker():
        seen["language"] = translation.get_language()
        seen["date"] = str(translation.gettext("Enter a valid date."))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == {"language": "zh-hans", "date": "输入一个有效的日期。"}


@pytest.mark.django_db
def test_a_browser_asking_for_english_still_reads_chinese(client):
    response = client.post("/", {"role": "org"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = response.content.decode()
    assert response.status_code == 200 and "这个字段是必须的" in page and "This field is required" not in page
