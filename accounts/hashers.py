"""The password hasher of govmedia: PBKDF2-HMAC-SM3 (decision record 0052).

Django's PBKDF2 hasher with SM3 (GB/T 32905) as the digest. It is first in PASSWORD_HASHERS, so a
hash of another algorithm (the PBKDF2-SHA256 hashes stored before) is checked with its own hasher
and re-hashed with this one at the user's next successful login (Django's check_password upgrade).
"""
import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.contrib.auth.hashers import PBKDF2PasswordHasher


class PBKDF2SM3PasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sm3"
    iterations = 150_000  # SM3 runs ~4x slower than SHA-256 here: about the time of Django 5.2's 600,000 PBKDF2-SHA256 rounds

    def encode(self, password, salt, iterations=None):
        self._check_encode_args(password, salt)
        iterations = iterations or self.iterations
        kdf = PBKDF2HMAC(hashes.SM3(), 32, salt.encode(), iterations)
        digest = base64.b64encode(kdf.derive(password.encode())).decode("ascii").strip()
        return f"{self.algorithm}${iterations}${salt}${digest}"


class FastPBKDF2SM3PasswordHasher(PBKDF2SM3PasswordHasher):
    """The same algorithm with few iterations: the test suite only (settings_test)."""

    algorithm = "pbkdf2_sm3_fast"
    iterations = 10
