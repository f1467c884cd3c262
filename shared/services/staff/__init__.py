"""Staff accounts and logging in; the public verbs of :mod:`.accounts`, :mod:`.login` and
:mod:`.passwords`, re-exported once here.

Passwords are scrypt hashes; five failed logins lock an account for five minutes; a reset
password must be replaced at the next login; every change is audited and published in the
change feed (kind ``staff``). Who may change which account is checked in :mod:`.accounts`.
"""

from shared.services.staff.accounts import (
    ACCOUNT_ADMINS,
    StaffInfo,
    add_staff,
    grantable_roles,
    list_staff,
    reset_password,
    set_disabled,
    set_password,
    set_roles,
    unlock,
    update_staff,
)
from shared.services.staff.login import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    LoginOutcome,
    authenticate,
    change_own_password,
)
from shared.services.staff.passwords import (
    MIN_PASSWORD_LENGTH,
    PASSWORD_ALPHABET,
    check_password,
    generate_password,
    hash_password,
    verify_password,
)

__all__ = [
    "ACCOUNT_ADMINS",
    "LOCKOUT",
    "MAX_FAILED_LOGINS",
    "MIN_PASSWORD_LENGTH",
    "PASSWORD_ALPHABET",
    "LoginOutcome",
    "StaffInfo",
    "add_staff",
    "authenticate",
    "change_own_password",
    "check_password",
    "generate_password",
    "grantable_roles",
    "hash_password",
    "list_staff",
    "reset_password",
    "set_disabled",
    "set_password",
    "set_roles",
    "unlock",
    "update_staff",
    "verify_password",
]
