"""The public record shapes: the API's response schemas, and the JSON Schema of the open-data files.

Only the fields listed here ever leave the registry (verify.records builds them)."""
from datetime import datetime
from typing import Literal, Optional

from ninja import Schema
from pydantic import Field


class SuccessorOut(Schema):
    name: str = Field(description="继任账号名称")
    media_code: str = Field(description="继任账号的新媒体标识码")
    page: str = Field(description="继任账号的公开核验页面")


class AccountOut(Schema):
    kind: Literal["account"]
    media_code: str = Field(description="新媒体标识码")
    name: str = Field(description="账号名称")
    type: str = Field(description="账号类型（如 微信订阅号、新浪微博）")
    type_code: str = Field(description="账号类型代码（WX 微信公众号、WB 新浪微博、DY 抖音 …）")
    platform_id: str = Field(description="平台上的账号标识（biz、uid、sec_uid …；无法识别时为 url: 加规范化链接）")
    url: str = Field(description="填报时的文章链接/主页链接/下载链接")
    holder: str = Field(description="填报单位全称")
    org_chain: list[str] = Field(description="所属组织单位：省/部 · 市/省局 · 区县")
    status: Literal["normal", "closed", "deleted"] = Field(description="normal 正常 / closed 已关停 / deleted 已删除")
    status_label: str = Field(description="状态（中文）")
    since: str = Field(description="该状态的起始日期（YYYY-MM-DD）")
    page: str = Field(description="公开核验页面的路径")
    successor: Optional[SuccessorOut] = Field(None, description="已关停账号的继任账号（关停时指定），请关注它")
    # Proof of control (issue 28): in the answers and the API, not in the open-data files.
    control_verified: Optional[bool] = Field(None, description="已验证控制权（登记单位已证明控制该账号/网站）")
    control_status: Optional[str] = Field(None, description="控制权验证：未验证 / 已验证 / 无法自动验证 / 已过期")
    control_method: Optional[str] = Field(None, description="验证方式（已验证时）")
    control_verified_on: Optional[str] = Field(None, description="验证日期 YYYY-MM-DD（已验证时）")


class WebsiteOut(Schema):
    kind: Literal["website"]
    site_code: str = Field(description="网站标识码")
    name: str = Field(description="网站名称")
    homepage: str = Field(description="首页网址")
    holder: str = Field(description="主办单位")
    org_chain: list[str] = Field(description="所属组织单位：省/部 · 市/省局 · 区县")
    status: Literal["normal", "temp_offline", "permanent_offline", "emergency_offline", "exception", "deleted"] = Field(
        description="运行状态代码")
    status_label: str = Field(description="运行状态（中文）")
    since: str = Field(description="该状态的起始日期（YYYY-MM-DD）")
    page: str = Field(description="公开核验页面的路径")
    # Proof of control (issue 28): in the answers and the API, not in the open-data files.
    control_verified: Optional[bool] = Field(None, description="已验证控制权（登记单位已证明控制该账号/网站）")
    control_status: Optional[str] = Field(None, description="控制权验证：未验证 / 已验证 / 无法自动验证 / 已过期")
    control_method: Optional[str] = Field(None, description="验证方式（已验证时）")
    control_verified_on: Optional[str] = Field(None, description="验证日期 YYYY-MM-DD（已验证时）")


Answer = Literal["registered", "closed", "not_registered", "unrecognised"]


class AccountAnswerOut(Schema):
    query: str
    answer: Answer = Field(description="registered 是政务新媒体账号 / closed 已关停 / not_registered 未在系统中登记 / "
                                       "unrecognised 无法识别")
    answer_text: str
    message: str
    record: Optional[AccountOut] = None
    similar: list[AccountOut] = Field(description="是否要找：名称相近的已登记账号")


class WebsiteAnswerOut(Schema):
    query: str
    answer: Answer
    answer_text: str
    message: str
    record: Optional[WebsiteOut] = None
    similar: list[WebsiteOut]


class ChangeOut(Schema):
    id: int = Field(description="事件编号（递增，不重复）")
    at: datetime
    event: Literal["registered", "closed", "offline", "restored", "deleted"] = Field(
        description="registered 登记 / closed 关停 / offline 下线 / restored 恢复 / deleted 删除")
    event_label: str
    record: AccountOut | WebsiteOut = Field(discriminator="kind")


class ChangesOut(Schema):
    page: int
    has_next: bool
    items: list[ChangeOut]


class ErrorOut(Schema):
    detail: str


def open_data_schema(kind: str) -> dict:
    """The JSON Schema of an open-data JSON file (published beside the files)."""
    item = (AccountOut if kind == "accounts" else WebsiteOut).model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"govmedia open data: {kind}",
        "type": "object",
        "required": ["date", "kind", "count", "items"],
        "properties": {
            "date": {"type": "string", "format": "date"},
            "kind": {"const": kind},
            "count": {"type": "integer", "minimum": 0},
            "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
        },
        "$defs": {**item.pop("$defs", {}), "item": item},
    }
