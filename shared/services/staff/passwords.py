"""Staff passwords: scrypt hashes, the length rule, and temporary passwords (issue #9).

scrypt is memory-hard and in the standard library. A temporary password (after a reset) is made
of letters and digits that cannot be mistaken for one another when read out or copied by hand.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from shared.errors import ValidationError

MIN_PASSWORD_LENGTH = 8
# scrypt cost: 2**14 x 8 x 128 bytes = 16 MiB per hash, ~50 ms here.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
#: Temporary passwords use letters and digits that cannot be mistaken for one another.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def hash_password(password: str) -> str:
    """A salted scrypt hash in a self-describing text form."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    salt_text = base64.b64encode(salt).decode()
    digest_text = base64.b64encode(digest).decode()
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt_text}${digest_text}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches the stored hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def check_password(password: str) -> None:
    """Refuse a password shorter than :data:`MIN_PASSWORD_LENGTH`."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"password must be at least {MIN_PASSWORD_LENGTH} characters",
            f"密码至少需要{MIN_PASSWORD_LENGTH}位。",
        )


def generate_password(length: int = 10) -> str:
    """A random temporary password without look-alike characters (no 0/O, 1/l/I)."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
