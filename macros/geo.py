"""Country names to ISO 3166-1 alpha-2 codes, one list for every source that spells countries out."""

from sqlglot import exp, parse_one
from sqlmesh import macro

from macros.text import WHITE_SPACE

# Upper-cased names as the sources write them (Linnworks order addresses, thelook users: Brazil is
# "Brasil" there) -> code.
COUNTRY_CODES = {
    "UNITED KINGDOM": "GB",
    "UK": "GB",
    "GREAT BRITAIN": "GB",
    "ENGLAND": "GB",
    "SCOTLAND": "GB",
    "WALES": "GB",
    "NORTHERN IRELAND": "GB",
    "IRELAND": "IE",
    "REPUBLIC OF IRELAND": "IE",
    "UNITED STATES": "US",
    "UNITED STATES OF AMERICA": "US",
    "USA": "US",
    "GERMANY": "DE",
    "DEUTSCHLAND": "DE",
    "FRANCE": "FR",
    "NETHERLANDS": "NL",
    "THE NETHERLANDS": "NL",
    "HOLLAND": "NL",
    "SPAIN": "ES",
    "ESPAÑA": "ES",
    "ITALY": "IT",
    "ITALIA": "IT",
    "BELGIUM": "BE",
    "AUSTRIA": "AT",
    "CANADA": "CA",
    "AUSTRALIA": "AU",
    "BRASIL": "BR",
    "BRAZIL": "BR",
    "CHINA": "CN",
    "SOUTH KOREA": "KR",
    "JAPAN": "JP",
    "POLAND": "PL",
    "COLOMBIA": "CO",
}


@macro()
def country_code(evaluator, name: exp.Expression):
    """The ISO code of a country `name` (trimmed, any case); a two-letter name is taken as a code
    already; NULL for a name not listed in COUNTRY_CODES."""
    trimmed = exp.Trim(this=name, expression=exp.Literal.string(WHITE_SPACE))  # as @trim_whitespace
    value = f"UPPER({trimmed.sql('bigquery')})"
    whens = " ".join(f"WHEN {value} = '{n}' THEN '{code}'" for n, code in COUNTRY_CODES.items())
    return parse_one(f"CASE {whens} WHEN {value} LIKE '__' THEN {value} END", read="bigquery")
