import pytest

from mshtdesk.domain.offences import OFFENCE_KINDS, OTHER_MS, recognise_offence


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Modern Slavery Act 2015 s.2", "MSA-2"),
        ("MSA s.2", "MSA-2"),
        ("s.2 MSA 2015", "MSA-2"),
        ("MSA 2015 S1", "MSA-1"),
        ("Modern Slavery Act 2015 section 4", "MSA-4"),
        ("Modern Slavery Act 2015 s.30(1)", "MSA-30-1"),
        ("MSA s30 (2)", "MSA-30-2"),
        ("msa-2", "MSA-2"),
        ("Coroners and Justice Act 2009 s.71", "CJA-71"),
        ("Sexual Offences Act 2003 s.59A", "SOA-57-59A"),
        ("SOA 2003 s.57", "SOA-57-59A"),
        ("Asylum and Immigration (Treatment of Claimants, etc.) Act 2004 s.4", "AIA-4"),
        ("Nationality, Immigration and Asylum Act 2002 s.145", "NIAA-145"),
        ("Controlling prostitution for gain", OTHER_MS),
        ("Modern Slavery Act 2015 s.54", OTHER_MS),  # supply-chain statements are not an offence
        ("Sexual Offences Act 2003 s.52", OTHER_MS),
    ],
)
def test_recognise_custody_offence_text(text: str, code: str) -> None:
    assert recognise_offence(text) == code


def test_reference_list_covers_the_act_and_older_offences() -> None:
    codes = {k.code for k in OFFENCE_KINDS}
    assert {"MSA-1", "MSA-2", "MSA-4", "MSA-30-1", "MSA-30-2", "CJA-71", "AIA-4", OTHER_MS} <= codes
