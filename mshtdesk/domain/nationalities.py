"""Nationality names as the UK government writes them ("Polish", "Albanian", "British"), with ISO 3166
alpha-3 codes, so that a person's nationality is chosen from one list and imports accept either form.

pycountry has country names but no demonyms, so the list ships here. Names follow the GOV.UK
nationality list (FCDO country names turned into nationalities). Where a nationality has no ISO code of
its own, the code in common use is given: Kosovo "XKX" (the European Commission's and ICAO's user-assigned
code); British Overseas Territories citizens are "British" (GBR), as their passports say.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Nationality:
    name: str  # the demonym, as shown and stored ("Vietnamese")
    alpha3: str  # ISO 3166-1 alpha-3 of the country ("VNM")


_PAIRS = """
Afghan AFG|Albanian ALB|Algerian DZA|American USA|Andorran AND|Angolan AGO|Anguillan AIA|
Argentine ARG|Armenian ARM|Australian AUS|Austrian AUT|Azerbaijani AZE|Bahamian BHS|Bahraini BHR|
Bangladeshi BGD|Barbadian BRB|Belarusian BLR|Belgian BEL|Belizean BLZ|Beninese BEN|Bermudian BMU|
Bhutanese BTN|Bolivian BOL|Botswanan BWA|Brazilian BRA|British GBR|British Virgin Islander VGB|
Bruneian BRN|Bulgarian BGR|Burkinan BFA|Burmese MMR|Burundian BDI|Cambodian KHM|Cameroonian CMR|
Canadian CAN|Cape Verdean CPV|Cayman Islander CYM|Central African CAF|Chadian TCD|Chilean CHL|
Chinese CHN|Citizen of Antigua and Barbuda ATG|Citizen of Bosnia and Herzegovina BIH|
Citizen of Guinea-Bissau GNB|Citizen of Kiribati KIR|Citizen of Seychelles SYC|
Citizen of the Dominican Republic DOM|Citizen of Vanuatu VUT|Colombian COL|Comoran COM|
Congolese (Congo) COG|Congolese (DRC) COD|Cook Islander COK|Costa Rican CRI|Croatian HRV|Cuban CUB|
Cypriot CYP|Czech CZE|Danish DNK|Djiboutian DJI|Dominican DMA|Dutch NLD|
East Timorese TLS|Ecuadorean ECU|Egyptian EGY|Emirati ARE|English GBR|Equatorial Guinean GNQ|
Eritrean ERI|Estonian EST|Ethiopian ETH|Faroese FRO|Fijian FJI|Filipino PHL|Finnish FIN|French FRA|
Gabonese GAB|Gambian GMB|Georgian GEO|German DEU|Ghanaian GHA|Gibraltarian GIB|Greek GRC|
Greenlandic GRL|Grenadian GRD|Guamanian GUM|Guatemalan GTM|Guinean GIN|Guyanese GUY|Haitian HTI|
Honduran HND|Hong Konger HKG|Hungarian HUN|Icelandic ISL|Indian IND|Indonesian IDN|Iranian IRN|
Iraqi IRQ|Irish IRL|Israeli ISR|Italian ITA|Ivorian CIV|Jamaican JAM|Japanese JPN|Jordanian JOR|
Kazakh KAZ|Kenyan KEN|Kittitian KNA|Kosovan XKX|Kuwaiti KWT|Kyrgyz KGZ|Lao LAO|Latvian LVA|
Lebanese LBN|Liberian LBR|Libyan LBY|Liechtenstein citizen LIE|Lithuanian LTU|Luxembourger LUX|
Macanese MAC|Macedonian MKD|Malagasy MDG|Malawian MWI|Malaysian MYS|Maldivian MDV|Malian MLI|
Maltese MLT|Marshallese MHL|Martiniquais MTQ|Mauritanian MRT|Mauritian MUS|Mexican MEX|
Micronesian FSM|Moldovan MDA|Monegasque MCO|Mongolian MNG|Montenegrin MNE|Montserratian MSR|
Moroccan MAR|Mosotho LSO|Mozambican MOZ|Namibian NAM|Nauruan NRU|Nepalese NPL|New Zealander NZL|
Nicaraguan NIC|Nigerian NGA|Nigerien NER|Niuean NIU|North Korean PRK|Northern Irish GBR|
Norwegian NOR|Omani OMN|Pakistani PAK|Palauan PLW|Palestinian PSE|Panamanian PAN|
Papua New Guinean PNG|Paraguayan PRY|Peruvian PER|Pitcairn Islander PCN|Polish POL|Portuguese PRT|
Puerto Rican PRI|Qatari QAT|Romanian ROU|Russian RUS|Rwandan RWA|Salvadorean SLV|
Sammarinese SMR|Samoan WSM|Sao Tomean STP|Saudi Arabian SAU|Scottish GBR|Senegalese SEN|Serbian SRB|
Sierra Leonean SLE|Singaporean SGP|Slovak SVK|Slovenian SVN|Solomon Islander SLB|Somali SOM|
South African ZAF|South Korean KOR|South Sudanese SSD|Spanish ESP|Sri Lankan LKA|St Helenian SHN|
St Lucian LCA|Stateless XXA|Sudanese SDN|Surinamese SUR|Swazi SWZ|Swedish SWE|Swiss CHE|Syrian SYR|
Taiwanese TWN|Tajik TJK|Tanzanian TZA|Thai THA|Togolese TGO|Tongan TON|Trinidadian TTO|Tristanian SHN|
Tunisian TUN|Turkish TUR|Turkmen TKM|Turks and Caicos Islander TCA|Tuvaluan TUV|Ugandan UGA|
Ukrainian UKR|Uruguayan URY|Uzbek UZB|Vatican citizen VAT|Venezuelan VEN|Vietnamese VNM|
Vincentian VCT|Wallisian WLF|Welsh GBR|Yemeni YEM|Zambian ZMB|Zimbabwean ZWE
"""


def _parse(pairs: str) -> tuple[Nationality, ...]:
    out = []
    for item in " ".join(pairs.split()).split("|"):
        name, code = item.strip().rsplit(" ", 1)
        out.append(Nationality(name, code))
    return tuple(out)


#: Every nationality, in alphabetical order of name ("Stateless" included: code XXA as in passports).
NATIONALITIES: tuple[Nationality, ...] = _parse(_PAIRS)

#: The names alone, for combo boxes.
NATIONALITY_NAMES: tuple[str, ...] = tuple(n.name for n in NATIONALITIES)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


# Several names share a code (British, English, Scottish, Welsh ... are all GBR): a code gives the first
# name listed for it in _PRIMARY, else the first in the list.
_PRIMARY = {"GBR": "British", "SHN": "St Helenian"}
_BY_NAME = MappingProxyType({_key(n.name): n.name for n in NATIONALITIES})
_BY_CODE = MappingProxyType(
    {
        **{n.alpha3.casefold(): n.name for n in reversed(NATIONALITIES)},
        **{code.casefold(): name for code, name in _PRIMARY.items()},
    }
)


def parse_nationality(text: str) -> str | None:
    """The nationality's listed name from its name or ISO alpha-3 code, in any case; None if unknown.

    "polish" and "POL" both give "Polish"; "GBR" gives "British". Blank text gives None.
    """
    key = _key(text)
    if not key:
        return None
    return _BY_NAME.get(key) or (_BY_CODE.get(key) if len(key) == 3 else None)


def alpha3_of(name: str) -> str | None:
    """The ISO alpha-3 code of a listed nationality name (any case), for exports; None if not listed."""
    found = _BY_NAME.get(_key(name))
    if found is None:
        return None
    return next(n.alpha3 for n in NATIONALITIES if n.name == found)
