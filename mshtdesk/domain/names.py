"""People's names compared across spellings, for finding two records of the same person.

A victim's name reaches the team through interpreters, identity documents in other scripts and officers
typing what they heard, so "Ştefan Popescu", "Stefan POPESCU" and "Стефан Попеску" must compare as the
same name. Folding removes diacritics (Unicode NFKD), case (casefold) and the common letters NFKD leaves
alone (Polish ł, German ß, Nordic ø and æ, Cyrillic as the UK passport transliterates it), then evens out
a few spelling variants that transliteration produces (x/ks, y/i/j, w/v, ph/f, kh/h, Polish sz/cz).
Names are compared as sorted tokens, so the order of surname and forenames does not matter, with
``difflib``'s ratio.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

#: Letters NFKD does not decompose, and Cyrillic (Russian, Ukrainian, Bulgarian, Serbian, Macedonian)
#: in the ICAO 9303 transliteration used on passports.
TRANSLITERATION = str.maketrans(
    {
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ø": "o",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "ґ": "g",
        "д": "d",
        "ђ": "d",
        "е": "e",
        "є": "ie",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "і": "i",
        "ї": "i",
        "й": "i",
        "ј": "j",
        "к": "k",
        "л": "l",
        "љ": "lj",
        "м": "m",
        "н": "n",
        "њ": "nj",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "ћ": "c",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "џ": "dz",
        "ш": "sh",
        "щ": "shch",
        "ъ": "ie",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "iu",
        "я": "ia",
    }
)
#: Spelling variants that transliteration and hearing produce, evened out after folding (in this order).
VARIANTS = (
    ("kh", "h"),
    ("ph", "f"),
    ("sz", "sh"),
    ("cz", "ch"),
    ("x", "ks"),
    ("w", "v"),
    ("y", "i"),
    ("j", "i"),
)
#: How alike two names must be (difflib ratio of the folded, sorted tokens) to be listed.
SIMILAR = 0.85
#: How alike each word of the shorter name must be to a word of the other.
SIMILAR_WORD = 0.8


def fold(text: str) -> str:
    """``text`` without case, diacritics or script: what two spellings of one name have in common."""
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(TRANSLITERATION)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for old, new in VARIANTS:
        plain = plain.replace(old, new)
    return plain


def name_tokens(*parts: str) -> tuple[str, ...]:
    """The folded words of a name, sorted (hyphens and apostrophes split words: Al-Amin, O'Neill)."""
    words = "".join(c if c.isalnum() else " " for c in fold(" ".join(parts))).split()
    return tuple(sorted(words))


def name_similarity(a: Iterable[str], b: Iterable[str]) -> float:
    """0 to 1: how alike two names are, as sorted folded tokens (``name_tokens``); 0 when one is empty."""
    left, right = " ".join(a), " ".join(b)
    if not left or not right:
        return 0.0
    return SequenceMatcher(None, left, right).ratio()


@dataclass(frozen=True)
class NamedPerson:
    """What the duplicate rule compares: names, nationality and gender (never shown, only compared)."""

    surname: str
    forenames: str
    nationality: str = ""
    gender: str = "unknown"


def likely_same_person(a: NamedPerson, b: NamedPerson) -> float | None:
    """How alike the names are when two people (already of the same date of birth) are likely one;
    None when they are not.

    Why each test: the names must be alike once folded, word by word too; a nationality or gender
    recorded on both that differs rules a pair out (twins, brother and sister, share a surname and a
    birthday); one left blank rules nothing out, since a second record is often the sparser one.
    """
    nat_a, nat_b = fold(a.nationality.strip()), fold(b.nationality.strip())
    if nat_a and nat_b and nat_a != nat_b:
        return None
    known = {"female", "male"}
    if a.gender in known and b.gender in known and a.gender != b.gender:
        return None
    tokens_a, tokens_b = name_tokens(a.surname, a.forenames), name_tokens(b.surname, b.forenames)
    score = name_similarity(tokens_a, tokens_b)
    if score < SIMILAR:
        return None
    short, long = sorted((tokens_a, tokens_b), key=len)
    if not all(any(_same_word(w, x) for x in long) for w in short):
        return None
    return score


def _same_word(a: str, b: str) -> bool:
    """Two folded words that may be one name spelt two ways. A word that only lengthens the other is
    another name (Jan and Jana, Maria and Marian, Pop and Popa, Hoxha and Hoxhaj): a typing slip
    rarely adds letters at the end, but a gendered or family form does."""
    if a == b:
        return True
    if a.startswith(b) or b.startswith(a):
        return False
    return name_similarity([a], [b]) >= SIMILAR_WORD
