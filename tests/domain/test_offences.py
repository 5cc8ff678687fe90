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


# ----- the legislation an offence is under (COM table offences_by_legislation) ---------------------

from mshtdesk.domain.offences import LEGISLATION_OF_KIND, Legislation, legislation_of  # noqa: E402

S1, S2, S4 = Legislation.MSA_1, Legislation.MSA_2, Legislation.MSA_4
EARLIER, OTHER = Legislation.EARLIER, Legislation.OTHER


@pytest.mark.parametrize(
    ("text", "row"),
    [
        # the Act named, in the spellings custody systems and officers use
        ("Modern Slavery Act 2015 s.1", S1),
        ("MODERN SLAVERY ACT 2015 S.1(1)(a)", S1),
        ("Modern Slavery Act 2015, section 1", S1),
        ("Modern  Slavery  Act 2015 - s 1", S1),
        ("MSA 2015 s1", S1),
        ("MSA15 S.1", S1),
        ("msa2015 sec 1", S1),
        ("M.S.A. 2015 s.1", S1),
        ("s.1 Modern Slavery Act", S1),
        ("Modern Slavery Act 2015 § 1", S1),
        ("Modern Slavery Act 2015 s.2", S2),
        ("MSA s.2", S2),
        ("s.2 MSA 2015", S2),
        ("Modern Slavery Act 2015 s.2(1) - arrange travel", S2),
        ("Conspiracy to commit MSA 2015 s.2", S2),  # the Act and section named: the section decides
        ("Modern Slavery Act 2015 s.4", S4),
        ("MSA 2015 Section 4", S4),
        # the custody system's offence titles, without the Act
        ("Hold person in slavery or servitude", S1),
        ("Holding a person in slavery or servitude", S1),
        ("Require a person to perform forced or compulsory labour", S1),
        ("Requiring person to perform forced or compulsory labor", S1),
        ("Slavery, servitude and forced or compulsory labour", S1),
        ("Arrange or facilitate travel of another with a view to exploitation", S2),
        ("Arrange or facilitate the travel of another person with a view to exploitation", S2),
        ("Facilitating the travel of another person with a view to their exploitation", S2),
        ("Human trafficking", S2),
        ("Committing an offence with intent to commit human trafficking", S4),
        ("Commit offence with intent to commit an offence under section 2", S4),
        ("msa-4", S4),
        # before the 2015 Act
        ("Coroners and Justice Act 2009 s.71", EARLIER),
        ("Coroners & Justice Act 2009 s71", EARLIER),
        ("CJA 2009 s.71", EARLIER),
        ("Sexual Offences Act 2003 s.57", EARLIER),
        ("SOA 2003 s.59A", EARLIER),
        ("Sexual Offences Act 2003 section 58", EARLIER),
        ("Asylum and Immigration (Treatment of Claimants, etc.) Act 2004 s.4", EARLIER),
        ("Asylum & Immigration Act 2004 s.4", EARLIER),
        ("AI(TC)A 2004 s.4", EARLIER),
        ("Nationality, Immigration and Asylum Act 2002 s.145", EARLIER),
        ("Trafficking into the UK for sexual exploitation", EARLIER),
        ("Trafficking within the United Kingdom for sexual exploitation", EARLIER),
        ("Trafficking people into the UK for exploitation", EARLIER),
        ("Traffic in prostitution", EARLIER),
        ("Trafficking for sexual exploitation (before the 2015 Act)", EARLIER),
        ("cja-71", EARLIER),
        # everything else flagged as modern slavery
        ("Modern Slavery Act 2015 s.30(1)", OTHER),
        ("Breach of Slavery and Trafficking Risk Order", OTHER),
        ("Breach of an interim slavery and trafficking prevention order", OTHER),
        ("Breaching STPO", OTHER),
        ("Modern Slavery Act 2015 s.54", OTHER),
        ("Modern Slavery Act 2015", OTHER),  # no section: which offence is not said
        ("Controlling prostitution for gain", OTHER),
        ("Causing or inciting prostitution for gain", OTHER),
        ("Conspiracy to arrange travel with a view to exploitation", OTHER),
        ("Attempt to hold person in slavery or servitude", OTHER),
        ("Sexual Offences Act 2003 s.52", OTHER),
        ("Coroners and Justice Act 2009 s.62", OTHER),
        ("Misuse of Drugs Act 1971 s.4(3)", OTHER),
        ("", OTHER),
        ("   ", OTHER),
        ("\x00\x1b[31m s.1", OTHER),
        ("x" * 5000, OTHER),
        ("Sklaverei §1", OTHER),
    ],
)
def test_the_legislation_an_offence_text_names(text: str, row: Legislation) -> None:
    assert legislation_of(recognise_offence(text), text) is row
    assert legislation_of(OTHER_MS, text) is row  # stored as "other", read again from the text


def test_the_offence_type_decides_before_the_text() -> None:
    assert legislation_of("MSA-2", "Controlling prostitution for gain") is S2
    assert legislation_of("MSA-30-2", "Modern Slavery Act 2015 s.1") is OTHER
    assert legislation_of("no-such-code", "Modern Slavery Act 2015 s.1") is OTHER


def test_every_offence_type_has_a_row() -> None:
    rows = {k.code: legislation_of(k.code) for k in OFFENCE_KINDS}
    assert {c for c, r in rows.items() if r is not OTHER} == set(LEGISLATION_OF_KIND)
    assert all(rows[k.code] is EARLIER for k in OFFENCE_KINDS if not k.is_msa and k.code != OTHER_MS)
    assert [r.value for r in Legislation] == [
        "Modern Slavery Act 2015 s.1",
        "Modern Slavery Act 2015 s.2",
        "Modern Slavery Act 2015 s.4",
        "Earlier legislation",
        "Other",
    ]
