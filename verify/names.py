"""Names as the public types them: traditional characters, shortened names, filler words.

`name_key(text)` folds a name for the near-name search (是否要找): traditional → simplified
(OpenCC's t2s table), then the words almost every government account carries (人民, 官方,
政务, 发布, 网站, 公众号, 微博 …), spaces and punctuation removed, so that 北京市政府网,
北京市人民政府网站 and 北京市人民政府 fold to one key, and a look-alike such as 上庄發佈 meets
上庄发布. The same fold, without the t2s step (names are registered in simplified characters),
is the SQL expression `KEY_SQL` of the trigram index (verify/migrations/0002): the index then
holds no trigram of 发布 or 人民, whose posting lists covered most of the registry
(docs/decisions/0046).
"""
import re
from functools import lru_cache

import opencc

# One pattern for Python and PostgreSQL's regexp_replace (ARE): plain alternations and one
# bracket expression, nothing either dialect reads otherwise.
FILLER = r"人民|官方|政务|发布|网站|公众号|微博|网$|[\s·•()（）【】《》<>“”‘’\"',，.。:：;；!！?？_-]"
KEY_SQL = "regexp_replace(name, '%s', '', 'g')" % FILLER.replace("'", "''")
_FILLER = re.compile(FILLER)
MIN_CONTAINS = 3  # shorter keys have no whole trigram: a substring test could not use the index


@lru_cache(maxsize=1)
def _converter():
    """OpenCC's t2s converter: its dictionaries load on the first name search (the import itself is cheap)."""
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text) if text else text


def fold(text: str) -> str:
    """The SQL fold in Python (no t2s): what KEY_SQL computes for a stored name."""
    return _FILLER.sub("", text or "")


def name_key(text: str) -> str:
    """The key a typed name is looked up by: simplified, then folded."""
    return fold(to_simplified((text or "").strip()))
