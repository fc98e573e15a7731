"""商用密码: SM3/SM4 test vectors, data keys rotated, the SM3 password hasher (decision 0052)."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from accounts import crypto
from accounts.models import User
from govmedia.common import gm
from orgtree.models import FilerUnit
from tests.factories import PASSWORD, make_filer

KEY1 = "k1=" + "11" * 16
KEY2 = "k2=" + "22" * 16


def test_sm3_vectors():
    # GB/T 32905-2016, appendix A
    assert gm.sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert gm.sm3(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_hmac_sm3_is_rfc2104_over_sm3():
    # HMAC (RFC 2104 / GB/T 15852.2) built by hand on the SM3 checked above
    key, data = bytes(range(1, 33)), b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    block = key.ljust(64, b"\0")
    inner = gm.sm3(bytes(b ^ 0x36 for b in block) + data)
    assert gm.hmac_sm3(key, data) == gm.sm3(bytes(b ^ 0x5C for b in block) + inner)


def test_sm4_vectors():
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    # GB/T 32907-2016, appendix A.1
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"
    # RFC 8998, appendix A.1 (SM4-GCM)
    nonce = bytes.fromhex("00001234567800000000abcd")
    aad = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    plain = bytes.fromhex("aa" * 8 + "bb" * 8 + "cc" * 8 + "dd" * 8 + "ee" * 8 + "ff" * 8 + "ee" * 8 + "aa" * 8)
    ciphertext, tag = gm.sm4_gcm_encrypt(key, nonce, plain, aad)
    assert ciphertext.hex() == ("17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735"
                                "d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d")
    assert tag.hex() == "83de3541e4c2b58177e065a9bf7b62ec"
    assert gm.sm4_gcm_decrypt(key, nonce, ciphertext, tag, aad) == plain


def test_tokens_name_their_key_and_the_key_id_is_authenticated(settings):
    settings.DATA_KEYS = f"{KEY1}"
    token = gm.encrypt("13800001111")
    assert token.startswith("sm4:k1:") and "13800001111" not in token
    assert gm.decrypt(token) == "13800001111"
    settings.DATA_KEYS = f"{KEY2},k1={'22' * 16}"  # another key under the id k1
    with pytest.raises(gm.KeyMissing):
        gm.decrypt(token)


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_personal_data_and_secrets_rotate_and_read_back(tree, settings):
    settings.DATA_KEYS = KEY1
    filer = make_filer(tree["110108"], "海淀区上庄镇政府", contact_mobile="13900001234", head_mobile="13800005678")
    user = filer.user
    user.initial_password_encrypted = crypto.encrypt("Init@2026x")
    user.save()
    # a value stored before encryption began reads as it is and is encrypted by the rotation
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orgtree_filerunit SET head_mobile = %s WHERE id = %s", ["13800005678", filer.pk])
    assert _raw("orgtree_filerunit", "contact_mobile", filer.pk).startswith("sm4:k1:")
    assert _raw("orgtree_filerunit", "head_mobile", filer.pk) == "13800005678"

    settings.DATA_KEYS = f"{KEY2},{KEY1}"  # k2 becomes current, k1 still readable
    out = StringIO()
    call_command("rotate_keys", batch=1, stdout=out)
    assert "全部加密数据已使用当前密钥" in out.getvalue()
    from reviews.models import JournalEntry

    assert JournalEntry.objects.get(action="keys_rotate").data["current"] == "k2"
    assert _raw("orgtree_filerunit", "contact_mobile", filer.pk).startswith("sm4:k2:")
    assert _raw("orgtree_filerunit", "head_mobile", filer.pk).startswith("sm4:k2:")
    assert _raw("accounts_user", "initial_password_encrypted", user.pk).startswith("sm4:k2:")

    settings.DATA_KEYS = KEY2  # the old key leaves the ring: everything still reads
    filer.refresh_from_db()
    user.refresh_from_db()
    assert (filer.contact_mobile, filer.head_mobile) == ("13900001234", "13800005678")
    assert crypto.decrypt(user.initial_password_encrypted) == "Init@2026x"


def test_rotation_resumes_after_an_interruption(tree, settings, monkeypatch):
    from govmedia.ops import keys

    settings.DATA_KEYS = KEY1
    filers = [make_filer(tree["110108"], f"单位{i}", i + 1, contact_mobile=f"1390000000{i}") for i in range(3)]
    settings.DATA_KEYS = f"{KEY2},{KEY1}"
    calls = {"n": 0}
    real = gm.encrypt

    def failing(plain):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("machine lost")
        return real(plain)

    monkeypatch.setattr(gm, "encrypt", failing)
    with pytest.raises(RuntimeError):
        keys.rotate(batch=1)
    monkeypatch.setattr(gm, "encrypt", real)
    assert keys.pending()  # stopped half way
    keys.rotate(batch=1)
    assert keys.pending() == {}
    assert [FilerUnit.objects.get(pk=f.pk).contact_mobile for f in filers] == [f"1390000000{i}" for i in range(3)]


def test_legacy_fernet_secret_still_reads_and_is_rotated(tree, settings):
    settings.DATA_KEYS = KEY1
    user = make_filer(tree["110108"], "海淀区上庄镇政府").user
    legacy = crypto._fernet().encrypt(b"Old@2025pw").decode()
    User.objects.filter(pk=user.pk).update(initial_password_encrypted=legacy)
    assert crypto.decrypt(legacy) == "Old@2025pw"
    call_command("rotate_keys", stdout=StringIO())
    user.refresh_from_db()
    assert user.initial_password_encrypted.startswith("sm4:k1:")
    assert crypto.decrypt(user.initial_password_encrypted) == "Old@2025pw"


def test_new_key_is_written_to_the_key_file(db, tmp_path, settings):
    settings.DATA_KEYS = ""
    settings.DATA_KEYS_FILE = str(tmp_path / "data_keys")
    call_command("rotate_keys", new_key=True, status=True, stdout=StringIO())
    assert gm.current_key_id() == "k1"
    call_command("rotate_keys", new_key=True, status=True, stdout=StringIO())
    assert gm.current_key_id() == "k2" and set(gm.key_ring()[1]) == {"k0", "k1", "k2"}
    assert oct((tmp_path / "data_keys").stat().st_mode)[-3:] == "600"


def test_sm3_hasher_is_default_and_old_hashes_upgrade_at_login(tree, settings, client):
    from django.contrib.auth.hashers import make_password

    from tests.factories import make_org_user

    settings.PASSWORD_HASHERS = ["accounts.hashers.PBKDF2SM3PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = make_org_user(tree["110000"])
    assert user.password.startswith("pbkdf2_sm3$")
    assert user.check_password(PASSWORD)
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User.objects.filter(pk=user.pk).update(password=old)
    response = client.post("/", {"role": "org", "username": "110000", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sm3$") and user.check_password(PASSWORD)


def test_app_tokens_are_hmac_sm3(users, settings):
    """The app's own tokens: an SMS code is stored only as its HMAC-SM3."""
    import re

    from accounts import sms
    from accounts.models import SmsCode
    from accounts.verification import Purpose, send_code

    sms.outbox.clear()
    send_code("13900000002", Purpose.RESET_PASSWORD)
    code = re.search(r"(\d{6})", sms.outbox[-1].message).group(1)
    stored = SmsCode.objects.for_mobile("13900000002").get().code_hash
    key = gm.derive_key(settings.SECRET_KEY, "sms code", 32)
    assert stored == gm.hmac_sm3(key, f"reset_password:13900000002:{code}".encode()).hex()
