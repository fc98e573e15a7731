"""The kinds of notification, one line each, and the channels they can go by.

Add a kind in one line:  register("finding", "监测发现问题", default=("site",))
A user's choice per kind (用户设置 → 消息提醒设置) overrides the default channels; a kind not
registered cannot be sent (services.send refuses it).
"""
from dataclasses import dataclass

CHANNELS = {"site": "站内消息", "sms": "短信", "email": "电子邮件"}


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    default: frozenset       # channels used until the user chooses
    description: str = ""


KINDS: dict[str, Kind] = {}


def register(key: str, label: str, *, default=("site",), description: str = "") -> Kind:
    unknown = set(default) - set(CHANNELS)
    if unknown:
        raise ValueError(f"notification kind {key!r}: unknown channels {sorted(unknown)}")
    kind = KINDS[key] = Kind(key, label, frozenset(default), description)
    return kind


# --- the kinds ------------------------------------------------------------------------------------
register("review_waiting", "待审核申请", default=("site", "email"), description="有新媒体账号或网站的申请到达本单位等待审核")
register("review_rejected", "申请被驳回", default=("site", "sms", "email"), description="本单位提交的申请被驳回（含驳回原因）")
register("notice", "收到通知", default=("site", "email"), description="国务院办公厅或上级单位下发的通知")
register("deadline", "截止日期临近", default=("site", "sms", "email"), description="检查结果信息表截止日期前3天及当天的催报")
register("finding", "监测发现问题", default=("site",), description="自动监测发现本单位账号或网站的问题")
register("review_ageing", "超期待审核提醒", default=("site", "email"), description="本单位有申请等待审核超过规定天数（每日一次）")
