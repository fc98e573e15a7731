"""查找新媒体账号信息指南: which link to paste for each 账号类型, where to find it, what is refused.
Built from the shared platform reference (PLATFORMS.md); every example here is read by the same
extractor as the 添加账号 form (tests/accounts_media/test_guide.py proves each one is accepted)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class GuideEntry:
    code: str
    where: str            # where the link is found
    carries: str          # what the system reads from it
    examples: tuple[str, ...]


ENTRIES = (
    GuideEntry("WX", "电脑端打开公众号任意一篇文章，复制浏览器地址栏中含“__biz=”的链接；或公众号主页（profile）的链接。",
               "__biz（公众号的唯一标识）",
               ("https://mp.weixin.qq.com/s?__biz=MzA5MDk1MjI5MA==&mid=2247484158&idx=1&sn=abc",
                "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MzI2MTYxNTg3NA==&scene=124")),
    GuideEntry("WB", "打开微博账号主页，复制地址栏中含数字 uid 的链接（weibo.com/u/数字）。",
               "uid（数字）", ("https://weibo.com/u/2265830070", "https://m.weibo.cn/profile/5501756072")),
    GuideEntry("TT", "电脑端打开头条号主页，复制地址栏中的链接（toutiao.com/c/user/token/…）。",
               "用户 token 或数字用户 ID",
               ("https://www.toutiao.com/c/user/token/MS4wLjABAAAApOspM7AnWqplD9FIBGnhJRfUjFT_msD1KZMfNPBZa-c/?tab=article",)),
    GuideEntry("DY", "电脑端打开抖音账号主页，复制地址栏中的链接（douyin.com/user/MS4w…）。",
               "sec_uid",
               ("https://www.douyin.com/user/MS4wLjABAAAATJPY7LAlaa5X-c8uNdWkvz0jUGgpw4eeXIwu_8BhvqE",)),
    GuideEntry("KS", "电脑端打开快手账号主页，复制地址栏中的链接（kuaishou.com/profile/…）。",
               "用户 eid 或快手号", ("https://www.kuaishou.com/profile/3x84qugg4ch9zhs",)),
    GuideEntry("BJ", "打开百家号作者主页，复制含 app_id 的链接（author.baidu.com/home?app_id=…）。",
               "app_id", ("https://author.baidu.com/home?from=bjh_article&app_id=1582149344008199",)),
    GuideEntry("QE", "打开企鹅号作者主页，复制地址栏中的链接（new.qq.com/omn/author/…）。",
               "作者 ID", ("https://new.qq.com/omn/author/5933889",)),
    GuideEntry("BL", "打开哔哩哔哩账号空间，复制地址栏中的链接（space.bilibili.com/数字）。",
               "mid（数字）", ("https://space.bilibili.com/434377496",)),
    GuideEntry("XH", "电脑端打开小红书账号主页，复制地址栏中的链接（xiaohongshu.com/user/profile/…）。",
               "用户 ID（24位）", ("https://www.xiaohongshu.com/user/profile/5eb8e1d400000000010075ae",)),
    GuideEntry("KH", "复制应用商店中该客户端的详情页链接（App Store、小米、应用宝、华为应用市场）。",
               "App Store ID 或安卓包名",
               ("https://apps.apple.com/cn/app/id1485553352", "https://app.mi.com/details?id=com.datadudu.ubibot")),
    GuideEntry("XC", "在小程序管理后台或“更多资料”中查看 AppID（wx 开头的18位），粘贴含 AppID 的链接或 AppID 本身；"
                     "并在“其他账号类型/平台名称”中填写所在平台（如微信、支付宝）。",
               "AppID", ("weixin://dl/business/?appid=wx4e1ba651bbe36d01&path=pages/index",)),
    GuideEntry("QT", "复制该账号主页的链接，并在“其他账号类型/平台名称”中填写平台名称。",
               "规范化后的主页链接", ("https://www.example.gov.cn/media/home",)),
)

REFUSED = (
    ("短链接（不含账号标识）", "v.douyin.com/…、v.kuaishou.com/…、b23.tv/…、xhslink.com/…、t.cn/…、m.toutiao.com/is/…"),
    ("公众号文章的短链接", "mp.weixin.qq.com/s/…（不含 __biz）：请在电脑端复制含“__biz=”的文章链接"),
    ("可修改的昵称或个性域名", "weibo.com/n/昵称、weibo.com/个性域名：请复制含数字 uid 的主页链接"),
    ("不是账号主页的页面", "创作者后台、直播间、单篇文章或视频的链接"),
)
