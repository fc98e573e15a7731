"""What verify plugs in at start-up (VerifyConfig.ready): the engine observer of approve_close
(继任账号, `continuity`), the 举报 items that move with a moved subtree, and its two kinds of
notification."""
from notifications.kinds import KINDS, register

from . import continuity  # noqa: F401  (the engine observer of approve_close: 继任账号)
from .imitation import connect_signals

connect_signals()  # 举报 items move with a moved subtree
if "imitation" not in KINDS:
    register("imitation", "举报仿冒账号", default=("site", "email"),
             description="群众举报或多次查询的疑似仿冒账号转到本单位待核查")
if "account_reuse" not in KINDS:
    register("account_reuse", "关停账号被复用", default=("site", "email"),
             description="本单位已关停账号的链接重新可以访问，可能已被他人使用")
