"""The anonymised snapshot: what a shortlisting panel reads, with nothing that names
the candidate.

The candidate block becomes their candidate number alone. Every other string of the
snapshot (statements, evidence rows, titles, attachment names, employment...) has each
form of the candidate's name, their e-mail address and its local part, and the names of
their employers replaced. A form of a name is what people write: "Casey", "Morgan",
"Casey Morgan", "C. Morgan", "MorganC", "casey_morgan", "Morgan, Casey", in any case,
with spaces, dots, hyphens, underscores or nothing between the parts.

A pure function of the snapshot: the anonymised pack is built from, and embeds, what it
returns, and its id and hash are that copy's own (see applications.pack).
"""

import hashlib
import re
from typing import Any

from applications.snapshot import canonical_json

PLACEHOLDER = "[candidate]"
EMPLOYER_PLACEHOLDER = "[employer]"

# What may stand between the parts of a name: "Casey Morgan", "casey.morgan",
# "casey_morgan", "Casey-Morgan", "O'Neil", "CaseyMorgan" (nothing), a line break.
_JOIN = r"[\s._'\u2019-]*"
# Reversed forms also take a comma: "Morgan, Casey", "Morgan, C."
_JOIN_REVERSED = r"[\s._,'\u2019-]*"
# A form is a whole word when no letter touches it: digits, underscores and dots
# around it still let it match ("casey_morgan_audit.pdf", "cmorgan85").
_NO_LETTER_BEFORE = r"(?<![^\W\d_])"
_NO_LETTER_AFTER = r"(?![^\W\d_])"
# Trailing words that make an employer's formal name; the rest is what people write.
_EMPLOYER_SUFFIX = re.compile(
    r"[\s,]+(?:(?:university|teaching)\s+)?(?:nhs\s+)?(?:foundation\s+)?trust$"
    r"|[\s,]+(?:ltd|limited|plc)\.?$",
    re.I,
)
# The job's own blocks: the vacancy and specification are the recruiter's words.
# An employer's name stays there (an internal candidate's employer is the vacancy's
# organisation); the candidate's name parts are still scrubbed, but for job words.
_JOB_BLOCKS = ("vacancy", "specification")


def _words(text: str) -> set[str]:
    return {word.casefold() for word in re.findall(r"\w+", text or "")}


def protected_words(snapshot: dict) -> set[str]:
    """Words of the job's own titles: a single name part that is one of these stays.

    A surname such as "Coder" would otherwise turn "Senior Clinical Coder" into
    "Senior Clinical [candidate]". The full name, its joined forms and the e-mail
    address are always scrubbed; only single name parts are spared.
    """
    vacancy = snapshot.get("vacancy") or {}
    specification = snapshot.get("specification") or {}
    route_check = snapshot.get("route_check") or {}
    texts = [
        vacancy.get("title", ""),
        specification.get("title", ""),
        snapshot.get("route_label", ""),
        route_check.get("label", ""),
    ]
    return set().union(*(_words(text) for text in texts))


def _part(text: str) -> str:
    """A name part as a pattern: its own hyphens and apostrophes may be any join."""
    pieces = [piece for piece in re.split(r"[-'\u2019.]+", text) if piece]
    return _JOIN.join(re.escape(piece) for piece in pieces)


def _tokens(name: str) -> list[str]:
    return [token for token in re.split(r"\s+", name.strip()) if token.strip(".,")]


def whole_name_forms(name: str) -> list[str]:
    """Patterns for a name of two words or more written in full, in either order."""
    tokens = _tokens(name)
    if len(tokens) < 2:
        return []
    first, last = tokens[0], tokens[-1]
    forms = [
        _JOIN.join(_part(token) for token in tokens),
        _part(first) + _JOIN + _part(last),
        _part(last) + _JOIN_REVERSED + _part(first),
    ]
    return list(dict.fromkeys(forms))


def name_forms(name: str, protected: set[str] = frozenset()) -> list[str]:
    """Patterns for each form of a name, the longest forms first: the whole name,
    then with initials, then each word alone."""
    tokens = _tokens(name)
    if not tokens:
        return []
    first, last = tokens[0], tokens[-1]
    forms = whole_name_forms(name)
    if len(tokens) > 1:
        first_initial, last_initial = re.escape(first[0]), re.escape(last[0])
        # "C Morgan", "C.Morgan", "cmorgan"; "MorganC", "Morgan, C."; "CaseyM".
        forms.append(first_initial + _JOIN + _part(last))
        forms.append(_part(last) + _JOIN_REVERSED + first_initial)
        forms.append(_part(first) + _JOIN + last_initial)
    singles = set()
    for token in tokens:
        for piece in {token, *re.split(r"[-'\u2019.]+", token)}:
            piece = piece.strip(".,")
            if len(piece) >= 2 and piece.casefold() not in protected:
                singles.add(piece)
    forms.extend(_part(piece) for piece in sorted(singles, key=len, reverse=True))
    return list(dict.fromkeys(forms))


def email_forms(email: str, protected: set[str] = frozenset()) -> list[str]:
    """Patterns for an e-mail address and its local part (3 characters or more,
    and not a word of the job: "coder@..." leaves "Senior Clinical Coder")."""
    email = email.strip()
    if not email:
        return []
    forms = [re.escape(email)]
    local = email.split("@", 1)[0]
    if "@" in email and len(local) >= 3 and local.casefold() not in protected:
        forms.append(re.escape(local))
    return forms


def employer_forms(employer: str) -> list[str]:
    """Patterns for an employer's name and for it without "NHS Foundation Trust"."""
    employer = re.sub(r"^the\s+", "", employer.strip(), flags=re.I)
    names = [employer, _EMPLOYER_SUFFIX.sub("", employer).strip()]
    forms = []
    for text in names:
        words = text.split()
        if words and len(text) >= 4:
            forms.append(r"\s+".join(re.escape(word) for word in words))
    return list(dict.fromkeys(forms))


def _pattern(forms: list[str]) -> re.Pattern | None:
    if not forms:
        return None
    return re.compile(
        _NO_LETTER_BEFORE + "(?:" + "|".join(forms) + ")" + _NO_LETTER_AFTER, re.I
    )


def _scrub(value: Any, patterns: list[tuple[re.Pattern, str]]) -> Any:
    if isinstance(value, str):
        for pattern, placeholder in patterns:
            value = pattern.sub(placeholder, value)
        return value
    if isinstance(value, list):
        return [_scrub(item, patterns) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, patterns) for key, item in value.items()}
    return value


def _employers(snapshot: dict) -> list[str]:
    return [
        str(post.get("employer") or "")
        for post in snapshot.get("employment") or []
        if post.get("employer")
    ]


def anonymise(snapshot: dict) -> dict:
    """A copy for shortlisting: no name, e-mail or employer; a candidate number.

    The candidate block becomes {"candidate_number": ...}; each post of the
    employment history keeps its role, band, dates and whether it was a coding post,
    its employer replaced by "[employer]". Everywhere else, the forms of the name
    and of the e-mail address become "[candidate]" and the employers' names
    "[employer]" (not in the vacancy and specification blocks, which are the job's).
    The given dict is left unchanged.
    """
    candidate = snapshot.get("candidate") or {}
    name = str(candidate.get("name") or "")
    email = str(candidate.get("email") or "")
    protected = protected_words(snapshot)
    # An alternation takes the first form that matches, not the longest: so the
    # whole address first, then the whole name ("Alice Archer", not "alice" and
    # "Archer" apart), then the address's local part ("c.morgan85", not "C.Morgan"
    # and "85"), then initials and single names.
    address, *local = email_forms(email, protected) or [None]
    whole = whole_name_forms(name)
    rest = [form for form in name_forms(name, protected) if form not in whole]
    candidate_pattern = _pattern(
        [form for form in [address] if form] + whole + local + rest
    )
    employers = {form for e in _employers(snapshot) for form in employer_forms(e)}
    employer_pattern = _pattern(sorted(employers, key=len, reverse=True))
    everywhere = [(candidate_pattern, PLACEHOLDER)] if candidate_pattern else []
    outside_job = everywhere + (
        [(employer_pattern, EMPLOYER_PLACEHOLDER)] if employer_pattern else []
    )

    result = {}
    for key, value in snapshot.items():
        if key == "candidate":
            continue
        result[key] = _scrub(value, everywhere if key in _JOB_BLOCKS else outside_job)
    if "employment" in result:
        result["employment"] = [
            {**post, "employer": EMPLOYER_PLACEHOLDER}
            for post in result["employment"] or []
        ]
    number = candidate.get("candidate_number") or _fallback_candidate_number(result)
    result["candidate"] = {"candidate_number": number}
    return result


def _fallback_candidate_number(scrubbed: dict) -> str:
    """For a snapshot without one: stable, and from the scrubbed content only, so a
    guessed name or e-mail address cannot reproduce it."""
    digest = hashlib.sha256(canonical_json(scrubbed).encode()).hexdigest()
    return f"C{int(digest, 16) % 900000 + 100000}"
