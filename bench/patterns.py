"""What the load test reads off the pages (bench/locustfile.py), kept apart from locust so that
tests/prod/test_load_test_patterns.py checks them against the pages as they are rendered today."""
import re

# The list's review links carry the way back (…/review/?back=…): the id is all the scenario needs.
REVIEW_LINK = re.compile(r'href="/media/(\d+)/review/(?:\?[^"]*)?"')
PENDING_COUNT = re.compile(r'data-testid="tab-pending">\s*待审核\s*(?:<span class="badge[^>]*>(\d+)</span>)?')
VERSION = re.compile(r'name="version" value="(\d+)"')

# What the load test posts: the review (its reviewer name marks the approvals it applied, counted
# in the database by scripts/prod-check.sh) and a new account's form.
REVIEW = {"result": "approve", "reviewer_name": "压测审核", "reviewer_phone": "18812348822"}


def new_account(serial: int) -> dict:
    return {"operator": "压测开设主体", "account_type": "WB", "url": f"https://weibo.com/u/{serial}",
            "name": f"压测账号{serial}", "represents_government": "0", "func_publish": "on", "submit": "1"}
