"""Password policy and hashing (argon2id, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12

# The most common passwords of leaked lists that are 12 characters or longer, and obvious local ones.
COMMON = frozenset(
    p.casefold()
    for p in (
        "123456789012",
        "1234567890123",
        "12345678910",
        "111111111111",
        "000000000000",
        "qwertyuiop12",
        "qwertyuiopas",
        "qwerty123456",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "password1234",
        "password123!",
        "passwordpassword",
        "password12345",
        "Password1234",
        "iloveyou1234",
        "letmein12345",
        "welcome12345",
        "welcome123456",
        "changeme1234",
        "administrator",
        "admin1234567",
        "abc123456789",
        "abcdefghijkl",
        "football1234",
        "monkey123456",
        "sunshine1234",
        "princess1234",
        "trustno11234",
        "starwars1234",
        "policepolice",
        "police123456",
        "westyorkshire",
        "greatermanchester",
        "modernslavery",
        "humantrafficking",
        "havenhouse12",
        "mshtdesk1234",
        "summer2024!!",
        "winter2025!!",
    )
)

_hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


def policy_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` is not acceptable, or None. Long and uncommon beats complex rules (NCSC)."""
    if len(password) < MIN_LENGTH:
        return f"A password needs at least {MIN_LENGTH} characters."
    folded = password.casefold()
    if folded in COMMON or len(set(folded)) < 4:
        return "That password is too common or too simple; choose a longer phrase of unrelated words."
    if username and username.casefold() in folded:
        return "A password must not contain the user name."
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
