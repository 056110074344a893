"""Plain factory functions for test data: defaults by setdefault, overrides by name."""

from itertools import count

from accounts.models import Organisation, User

PASSWORD = "correct-horse-battery-staple"
_serial = count(1)


def make_organisation(**overrides) -> Organisation:
    n = next(_serial)
    overrides.setdefault("name", f"Test NHS Foundation Trust {n}")
    overrides.setdefault("ods_code", f"T{n:02d}")
    return Organisation.objects.create(**overrides)


def make_user(**overrides) -> User:
    n = next(_serial)
    overrides.setdefault("email", f"user{n}@example.nhs.uk")
    overrides.setdefault("full_name", f"Test User {n}")
    password = overrides.pop("password", PASSWORD)
    return User.objects.create_user(password=password, **overrides)


def make_coder(**overrides) -> User:
    overrides.setdefault("role", User.Role.CODER)
    return make_user(**overrides)


def make_recruiter(organisation: Organisation, **overrides) -> User:
    overrides.setdefault("role", User.Role.RECRUITER)
    return make_user(organisation=organisation, **overrides)
