"""The province a site's tariff and grid emission factor follow.

A scenario names its province (``site.province``, English or Chinese, with or without
省/市/自治区). A site in China without one is placed in the province of the nearest city of
the climate table, and a note says so and asks for the province: the tariff preset and the
location-based emission factor then follow the same province, so a plan never prices a
site's electricity in one province and counts its CO2 with another's (or the national)
factor.
"""

from __future__ import annotations

from pvplanner.messages import Message, bilingual
from pvplanner.scenario.model import Scenario
from pvplanner.tariff.province import province_label
from pvplanner.tariff.province_names import province_name
from weather.climatology import nearest_city

__all__ = ["site_province"]


def site_province(scenario: Scenario, *, tariff_follows: bool = True
                  ) -> tuple[str | None, Message | None]:
    """The province a site's tariff and emission factor follow, and the note placing it.

    Parameters
    ----------
    scenario : Scenario
        The plan's scenario.
    tariff_follows : bool, default True
        Whether the tariff follows the province too (no preset named); the note says what
        follows it.

    Returns
    -------
    (str or None, Message or None)
        ``site.province`` with no note (or, where the tariff follows it, a note when the
        coordinates sit next to a city of another province); for a site in China without
        one, the nearest city's province and the note; otherwise ``site.province`` (None or
        blank) with no note.
    """
    site = scenario.site
    if (site.country or "CN").upper() != "CN":
        return site.province, None
    if (site.province or "").strip():
        return site.province, _elsewhere(scenario) if tariff_follows else None
    city = nearest_city(site.latitude, site.longitude)
    if city.country != "China" or not city.province:
        return site.province, None
    values = {"city": bilingual(city.city, city.city_zh or city.city),
              "km": float(city.distance_km or 0.0), "province": province_label(city.province)}
    if tariff_follows:
        return city.province, Message.of(
            "notes.tariff.province_from_city",
            "the site's province is not given: the nearest city of the climate table, {city} "
            "({km:,.0f} km away), is in {province}, whose tariff and grid emission factor are "
            "used; enter the site's province", **values)
    return city.province, Message.of(
        "notes.carbon.location.province_from_city",
        "the site's province is not given: the nearest city of the climate table, {city} "
        "({km:,.0f} km away), is in {province}, whose grid emission factor is used; enter the "
        "site's province", **values)


#: A site this close to a city of the climate table is in that city's province unless the
#: border runs between them: closer than the smallest distance between two of the table's
#: cities in different provinces (Shanghai and Suzhou, ~85 km) by a wide margin [km].
SAME_PROVINCE_KM = 25.0


def _elsewhere(scenario: Scenario) -> Message | None:
    """A note when the site's coordinates sit next to a city of another province than the
    one given (a province typed wrong, or coordinates copied from another site): the
    tariff and the emission factor follow the province given, so the plan may price the
    wrong province's electricity."""
    site = scenario.site
    given = province_name(site.province)
    city = nearest_city(site.latitude, site.longitude)
    if (not given or city.country != "China" or not city.province
            or city.distance_km is None or city.distance_km > SAME_PROVINCE_KM
            or province_name(city.province) in ("", given)):
        return None
    return Message.of(
        "notes.tariff.province_elsewhere",
        "the site's coordinates are {km:,.0f} km from {city}, in {city_province}, but its "
        "province is given as {province}: the tariff and the grid emission factor follow "
        "{province}; check the province or the coordinates",
        km=float(city.distance_km), city=bilingual(city.city, city.city_zh or city.city),
        city_province=province_label(city.province), province=province_label(site.province))
