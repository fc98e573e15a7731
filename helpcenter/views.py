"""帮助中心: every section on one page, by role and task; each page's 帮助 link opens its own."""
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .content import BY_KEY, SECTIONS


def _example_chain():
    return {"title": "添加申请（示例）", "note": "添加申请逐级审核，终审为省、国务院部门组织单位；修改、关停由本级组织单位审核；关停恢复由国务院办公厅审核。",
            "steps": [{"who": "海淀区上庄镇政府", "role": "填报单位提交", "state": "done"},
                      {"who": "海淀区", "role": "审核", "state": "done"},
                      {"who": "北京市", "role": "终审（生成新媒体标识码）", "state": "current"}]}


@require_GET
def index(request):
    return render(request, "helpcenter/index.html", {"sections": SECTIONS, "chain": _example_chain()})


@require_GET
def section(request, key):
    if key not in BY_KEY:
        raise Http404("没有这个帮助主题。")
    return render(request, "helpcenter/section.html", {"section": BY_KEY[key], "sections": SECTIONS,
                                                       "chain": _example_chain()})
