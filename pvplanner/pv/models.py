"""Inputs of the PV model: roof planes, losses, model settings, and what fits on a roof.

Pydantic v2 models (the scenario composes them), their defaults from
``data/pv_defaults.toml``, roof capacity limits, the winter-solstice row-spacing rule, and
the checks that turn bad planes, settings, sites or weather into
:class:`~pvplanner.errors.PlannerInputError` naming the field. Public names are
re-exported by :mod:`pvplanner.pv.simulation`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Annotated, Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from pvplanner.display.messages import render, translate
from pvplanner.errors import PlannerInputError
from pvplanner.guard.toml_words import read_data_toml
from pvplanner.messages import Message, bilingual

Mounting = Literal["flush", "tilted_rows", "east_west"]


def _yes_no(value: Any) -> Any:
    """“是”/“否” as True/False (the Chinese error asks for them); anything else as given,
    for pydantic's own reading of booleans (true/false, yes/no, 1/0)."""
    if isinstance(value, str):
        word = value.strip()
        if word in ("是", "否"):
            return word == "是"
    return value


#: A yes-or-no input: pydantic's booleans, and “是”/“否” as a Chinese user writes them.
YesNo = Annotated[bool, BeforeValidator(_yes_no)]

#: Earth's obliquity: the sun's declination at the solstices [deg].
_SOLSTICE_DECLINATION_DEG = 23.44


@cache
def pv_defaults() -> dict[str, dict[str, dict[str, Any]]]:
    """All entries of ``data/pv_defaults.toml`` (value, unit, source, year, status)."""
    return read_data_toml("pv_defaults.toml")


def pv_default(section: str, key: str) -> Any:
    """The ``value`` of one default, e.g. ``pv_default("system", "albedo")``."""
    return pv_defaults()[section][key]["value"]


def _loss_field(key: str) -> Any:
    return Field(
        pv_default("losses", key), ge=0, le=100, description=f"{key} loss [%] (PVWatts style)"
    )


class PVLosses(BaseModel):
    """Itemised DC losses in percent, combined multiplicatively as in PVWatts.

    ``shading_percent`` is external shading only (trees, parapets, equipment): row-to-row
    shading of racks is computed from the geometry. Keep ``age_percent`` at 0 when the
    lifetime degradation factors are applied.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    soiling_percent: float = _loss_field("soiling")
    shading_percent: float = _loss_field("shading")
    snow_percent: float = _loss_field("snow")
    mismatch_percent: float = _loss_field("mismatch")
    wiring_percent: float = _loss_field("wiring")
    connections_percent: float = _loss_field("connections")
    lid_percent: float = _loss_field("lid")
    nameplate_percent: float = _loss_field("nameplate")
    age_percent: float = _loss_field("age")
    availability_percent: float = _loss_field("availability")

    @property
    def total_percent(self) -> float:
        """Combined loss ``100 (1 - prod(1 - l / 100))`` [%]; 14.08 with the defaults."""
        kept = math.prod(1.0 - value / 100.0 for value in self.model_dump().values())
        return 100.0 * (1.0 - kept)


class RoofPlane(BaseModel):
    """One roof plane that can carry PV.

    ``area_m2`` is measured in the roof plane. ``flush`` arrays lie on the roof
    (``tilt_deg``, ``azimuth_deg``). ``tilted_rows`` and ``east_west`` are ballasted racks on a
    flat roof: modules stand at ``rack_tilt_deg``; rows face ``azimuth_deg``, and east-west
    pairs face ``azimuth_deg - 90`` and ``azimuth_deg + 90`` (so 180 gives east and west).
    ``gcr`` is module area over roof area (module slant length over row pitch for rows).
    ``None`` for ``rack_tilt_deg`` or ``gcr`` takes the default of the mounting; flush planes
    ignore both.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=80, description="unique name of the plane")
    area_m2: float = Field(gt=0, le=1e7, description="plane area in the roof plane [m2]")
    mounting: Mounting = Field("flush", description="flush, tilted_rows or east_west")
    tilt_deg: float = Field(0.0, ge=0, le=90, description="roof tilt from horizontal [deg]")
    azimuth_deg: float = Field(
        180.0, ge=0, le=360, description="direction the plane (or the rows) face, 180 = south [deg]"
    )
    rack_tilt_deg: float | None = Field(
        None, ge=0, le=60, description="module tilt on racks [deg]; None = default of the mounting"
    )
    gcr: float | None = Field(
        None, ge=0.1, le=0.95, description="ground coverage ratio of racks; None = default"
    )
    module_power_density_w_m2: float = Field(
        pv_default("roof_plane", "module_power_density_w_m2"),
        gt=50,
        le=400,
        description="module nameplate per m2 of module area [W/m2]",
    )
    usable_fraction: float = Field(
        pv_default("roof_plane", "usable_fraction"),
        gt=0,
        le=1,
        description="share of the area left after setbacks and walkways [-]",
    )
    max_kwp: float | None = Field(
        None, ge=0, description="capacity limit that replaces the computed one [kWp]"
    )

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        if not value.strip():  # a PlannerInputError is a ValueError: pydantic keeps its key
            raise PlannerInputError(Message.of("errors.pv.blank_name",
                                               "the name must not be blank"))
        return value.strip()

    @field_validator("tilt_deg")
    @classmethod
    def _racks_need_flat_roofs(cls, value: float, info: ValidationInfo) -> float:
        limit = pv_default("roof_plane", "max_roof_tilt_for_racks_deg")
        mounting = info.data.get("mounting", "flush")
        if mounting != "flush" and value > limit:
            raise PlannerInputError(Message.of(
                "errors.pv.racks_flat_roof", "{mounting} stand on flat roofs: the roof's "
                "tilt must be at most {limit:g}°; mount the modules flush on a pitched roof",
                mounting=bilingual(  # the racks by their name on the site page
                    translate(f"site.roof.mountings.{mounting}", "en"),
                    translate(f"site.roof.mountings.{mounting}", "zh")),
                limit=float(limit)))
        return value

    @property
    def module_tilt_deg(self) -> float:
        """Tilt of the modules from horizontal [deg]."""
        if self.mounting == "flush":
            return self.tilt_deg
        if self.rack_tilt_deg is not None:
            return self.rack_tilt_deg
        return pv_default("roof_plane", f"{self.mounting}_rack_tilt_deg")

    @property
    def coverage(self) -> float:
        """Module area per usable area: flush coverage, or the racks' GCR [-]."""
        if self.mounting == "flush":
            return pv_default("roof_plane", "flush_module_coverage")
        if self.gcr is not None:
            return self.gcr
        return pv_default("roof_plane", f"{self.mounting}_gcr")


def plane_max_kwp(plane: RoofPlane) -> float:
    """Largest PV capacity a roof plane carries [kWp].

    ``area_m2 * usable_fraction * coverage * module_power_density_w_m2 / 1000``, where the
    usable fraction removes setbacks and walkways, the coverage is the module area per usable
    area (flush: modules less clamp gaps; racks: the ground coverage ratio, so row spacing and
    east-west pairs are accounted for) and the power density turns module area into
    nameplate. ``max_kwp``, when set, replaces the result.
    """
    if plane.max_kwp is not None:
        return float(plane.max_kwp)
    module_area_m2 = plane.area_m2 * plane.usable_fraction * plane.coverage
    return module_area_m2 * plane.module_power_density_w_m2 / 1000.0


class RowSpacing(NamedTuple):
    """Result of :func:`row_spacing`."""

    pitch_m: float  #: distance between equivalent points of consecutive rows [m]
    gcr: float  #: module slant length / pitch [-]
    solstice_noon_elevation_deg: float  #: winter-solstice noon sun elevation [deg]


def row_spacing(
    module_length_m: float,
    rack_tilt_deg: float,
    latitude_deg: float,
    *,
    height_m: float = 0.0,
    hour_angle_deg: float = 0.0,
) -> RowSpacing:
    """Row pitch that keeps equator-facing rows unshaded at the winter solstice.

    ``pitch = L cos(b) + (h + L sin(b)) / tan(alpha)``: the row's own footprint plus the
    shadow of the top edge (``h`` above the next row's bottom edge plus the module rise) cast
    by a sun at profile elevation ``alpha``. At solar noon ``alpha = 90 - |latitude| -
    23.44``; with ``hour_angle_deg`` (e.g. 45 for 9:00-15:00 solar time) ``alpha`` is the
    profile angle of the solstice sun at that hour in the plane perpendicular to the rows.

    Parameters
    ----------
    module_length_m : float
        Slant length of the rack (module length for one portrait module) [m].
    rack_tilt_deg : float
        Module tilt [deg], 0 to < 90.
    latitude_deg : float
        Site latitude [deg].
    height_m : float
        Extra height of the front row's top edge above the rear row's bottom edge [m].
    hour_angle_deg : float
        Hour angle from solar noon at which rows must still be unshaded [deg].

    Returns
    -------
    RowSpacing
    """
    for name, value, low, high in (
        ("module_length_m", module_length_m, 0.01, 20.0),
        ("rack_tilt_deg", rack_tilt_deg, 0.0, 89.0),
        ("site.latitude", latitude_deg, -90.0, 90.0),
        ("height_m", height_m, 0.0, 20.0),
        ("hour_angle_deg", hour_angle_deg, -89.0, 89.0),
    ):
        if not (math.isfinite(value) and low <= value <= high):
            raise PlannerInputError(Message.of(
                "errors.pv.outside_range", "{name} = {value} is outside {low:g}..{high:g}",
                name=name, value=repr(value), low=low, high=high), field=name)
    phi = math.radians(abs(latitude_deg))
    dec = math.radians(-_SOLSTICE_DECLINATION_DEG)  # winter solstice, hemisphere-symmetric
    hour = math.radians(hour_angle_deg)
    up = math.sin(phi) * math.sin(dec) + math.cos(phi) * math.cos(dec) * math.cos(hour)
    toward_equator = math.sin(phi) * math.cos(dec) * math.cos(hour) - math.cos(phi) * math.sin(dec)
    noon_elevation = 90.0 - abs(latitude_deg) - _SOLSTICE_DECLINATION_DEG
    if up <= 0 or toward_equator <= 0:
        raise PlannerInputError(
            Message.of("errors.pv.sun_below_horizon",
                       "at latitude {latitude:g} deg the winter-solstice sun is below the horizon "
                       "at hour angle {hour_angle:g} deg; no row spacing avoids shading there",
                       latitude=float(latitude_deg), hour_angle=float(hour_angle_deg)),
            field="site.latitude",
        )
    tan_alpha = up / toward_equator
    beta = math.radians(rack_tilt_deg)
    pitch = (
        module_length_m * math.cos(beta) + (height_m + module_length_m * math.sin(beta)) / tan_alpha
    )
    return RowSpacing(pitch, module_length_m / pitch, noon_elevation)


class PVModelSettings(BaseModel):
    """How PV output is modelled: losses, inverter, temperature and ageing."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    losses: PVLosses = Field(default_factory=PVLosses)
    dc_ac_ratio: float = Field(
        pv_default("system", "dc_ac_ratio"), ge=0.5, le=2.5, description="kWp DC per kW AC [-]"
    )
    inverter_efficiency_percent: float = Field(
        pv_default("system", "inverter_efficiency_percent"),
        ge=80,
        le=99.5,
        description="nominal inverter efficiency [%]",
    )
    temperature_coefficient_percent_per_c: float = Field(
        pv_default("system", "temperature_coefficient_percent_per_c"),
        ge=-1.0,
        le=0.0,
        description="power temperature coefficient [%/degC]",
    )
    temperature_model: Literal["noct_sam", "sapm"] = Field(
        "noct_sam",
        description="cell temperature: SAM NOCT model (as PVWatts v8) or Sandia; "
        "parameters follow the mounting (flush: roof mount, racks: open rack)",
    )
    spectral_correction: YesNo = Field(
        True, description="apply the De Soto air-mass modifier (as PVWatts v8)"
    )
    albedo: float = Field(pv_default("system", "albedo"), ge=0, le=1, description="[-]")
    degradation_first_year_percent: float = Field(
        pv_default("system", "degradation_first_year_percent"),
        ge=0,
        le=20,
        description="power lost in the first year [%]",
    )
    degradation_annual_percent: float = Field(
        pv_default("system", "degradation_annual_percent"),
        ge=0,
        le=5,
        description="power lost each later year, linear [%/year]",
    )


def _field_name(prefix: str, loc: Sequence[Any]) -> str:
    name = prefix
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else f".{part}"
    return name


#: pydantic error types the catalogue words itself (``errors.scenario.<type>``, as the
#: scenario's own messages, :mod:`pvplanner.scenario.model`), and the ``ctx`` entry that
#: holds their limit.
KEYED_KINDS = {
    "greater_than": "gt", "greater_than_equal": "ge", "less_than": "lt", "less_than_equal": "le",
    "string_too_long": "max_length", "string_too_short": "min_length", "too_long": "max_length",
    "too_short": "min_length", "literal_error": "expected", "missing": "",
    "float_parsing": "", "int_parsing": "", "float_type": "", "int_type": "",
    "bool_parsing": "", "finite_number": "", "int_from_float": "",
    "bool_type": "", "string_type": "", "list_type": "", "dict_type": "", "model_type": "",
    "model_attributes_type": "", "enum": "expected", "date_parsing": "", "date_type": "",
    "date_from_datetime_parsing": "", "date_from_datetime_inexact": "",
}


def module_azimuths_deg(mounting: str, azimuth_deg: float) -> tuple[float, ...]:
    """The directions a plane's modules face [deg from north, clockwise]: the roof's azimuth,
    or for east-west racks the two faces across it (``azimuth - 90`` and ``azimuth + 90``).

    Examples
    --------
    >>> module_azimuths_deg("east_west", 180.0), module_azimuths_deg("flush", 170.0)
    ((90.0, 270.0), (170.0,))
    """
    if mounting == "east_west":
        return ((azimuth_deg - 90.0) % 360, (azimuth_deg + 90.0) % 360)
    return (azimuth_deg % 360,)


def shown_number(value: float) -> str:
    """A limit or a value as a message shows it: as Python writes it below a million
    (``90.0``, ``0.5``), with thousands separators from there (``10,000,000``, where Python
    writes ``10000000.0``), and in powers of ten from 10**18 on (``1e+308``, not three
    hundred digits).

    Examples
    --------
    >>> shown_number(90.0), shown_number(1e7), shown_number(1e308)
    ('90.0', '10,000,000', '1e+308')
    """
    if not math.isfinite(value) or abs(value) < 1e6:
        return str(value)
    if abs(value) >= 1e18:
        return f"{value:.4g}"
    return f"{value:,.0f}"


def shown_value(value: Any) -> dict[str, str]:
    """A value a user gave, as a message value in both languages: a number as
    :func:`shown_number` writes it, a text in quotes ('abc' / “abc”), nothing as 空."""
    if isinstance(value, bool):
        return bilingual(str(value).lower(), "是" if value else "否")
    if isinstance(value, int | float):
        return bilingual(shown_number(float(value)) if isinstance(value, float) or
                         abs(value) >= 1e6 else str(value))
    if value is None:
        return bilingual("nothing", "空")
    text = str(value)
    if _ABSOLUTE_PATH.match(text):
        # A file's full path (the app keeps uploads under the server's folder): its name
        # says which file; the folders are the server's, not the reader's.
        text = "…/" + re.split(r"[\\/]", text.rstrip("\\/"))[-1]
    text = text if len(text) <= 60 else text[:57] + "..."
    return bilingual(repr(text), f"“{text}”")


#: A text that is an absolute file path (POSIX, or Windows with a drive letter or UNC).
_ABSOLUTE_PATH = re.compile(r"^(/|[A-Za-z]:[\\/]|\\\\)")


def got_text(value: Any, *, fraction_limit: float | None = None) -> dict[str, str]:
    """" (got 200)" / "（当前为 200）", " (got 'abc')" / "（当前为“abc”）": the value a user gave,
    after the message (spaced around a number, not around quotes, in Chinese).

    ``fraction_limit``: the upper bound of a field that is a fraction (at most 1); a value
    above it that reads as a per cent (8 for a discount rate of at most 0.5) is told how to
    write it: " (got 8; a fraction: 8% is written 0.08)".
    """
    given = shown_value(value)
    quoted = isinstance(value, str)
    english, chinese = given["en"], (given["zh"] if quoted else f" {given['zh']}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if (fraction_limit is not None and 0 < fraction_limit <= 1 and math.isfinite(number)
            and 1 < number <= 100 and number / 100 <= fraction_limit):
        english += f"; a fraction: {number:g}% is written {number / 100:g}"
        chinese += f"；此项为小数：{number:g}% 应写作 {number / 100:g}"
    return bilingual(f" (got {english})", f"（当前为{chinese}）")


def kind_limit(error: Mapping[str, Any]) -> str | dict[str, str]:
    """The limit a pydantic error of a :data:`KEYED_KINDS` kind names (``90``, the allowed
    choices...), as a message value: a list of choices in each language's own list words
    (pydantic writes ``'a', 'b' or 'c'``; Chinese lists ``'a'、'b' 或 'c'``)."""
    kind = str(error.get("type", ""))
    name = KEYED_KINDS.get(kind, "")
    raw = (error.get("ctx") or {}).get(name, "") if name else ""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return shown_value(raw)["en"]
    limit = str(raw)
    if kind not in ("literal_error", "enum"):
        return limit
    chinese = re.sub(r"(?<=['\"]) or (?=['\"])", " 或 ", re.sub(r"(?<=['\"]), (?=['\"])", "、", limit))
    return bilingual(limit, chinese)


def kind_numbers(error: Mapping[str, Any]) -> dict[str, float]:
    """The limit and the value of a pydantic error as numbers (``limit_number``,
    ``input_number``), where they are numbers: for a reader who sees the field in other
    units (the app shows fractions as per cent)."""
    out: dict[str, float] = {}
    limit = (error.get("ctx") or {}).get(KEYED_KINDS.get(str(error.get("type", "")), "") or "-")
    if isinstance(limit, int | float) and not isinstance(limit, bool):
        out["limit_number"] = float(limit)
    given = error.get("input")
    if isinstance(given, int | float) and not isinstance(given, bool):
        out["input_number"] = float(given)
    return out


def planner_error(exc: ValidationError, prefix: str) -> PlannerInputError:
    """Turn a pydantic error into a :class:`PlannerInputError` naming the dotted field."""
    error = exc.errors()[0]
    field = _field_name(prefix, error["loc"])
    kind = str(error.get("type", ""))
    value = error.get("input")
    got = (got_text(value) if kind != "missing" and not isinstance(value, Mapping)
           else bilingual("", ""))
    if kind == "extra_forbidden":
        return PlannerInputError(Message.of(
            "errors.pv.unknown_input", "{field}: unknown input name; check the spelling (names "
            "carry their unit: area_m2, soiling_percent ...){got}", field=field, got=got),
            field=field)
    text = str(error["msg"]).removeprefix("Value error, ")
    english = f"{field}: {text}{got['en']}"
    if kind in KEYED_KINDS:
        key = f"errors.scenario.{kind}"
        values = {"field": bilingual(f"{field}: ", f"{field}："), "limit": kind_limit(error),
                  "got": got, **kind_numbers(error)}
        # The catalogue's English, not pydantic's wording (as the scenario's errors).
        # (the pydantic wording stays the text where the catalogue cannot render it)
        return PlannerInputError(
            Message(key, render(Message(key, english, values), "en"), values), field=field)
    # a validator's own PlannerInputError keeps its key; pydantic's other words stay English
    original = (error.get("ctx") or {}).get("error")
    detail = (original.message if isinstance(original, PlannerInputError) and original.key
              else text)
    return PlannerInputError(Message("errors.pv.invalid", english, {
        "field": field, "detail": detail, "got": got}), field=field)


def validate_planes(planes: Any, *, field_prefix: str = "roof.planes") -> list[RoofPlane]:
    """Validate roof planes given as models or mappings; names must be unique.

    Raises
    ------
    PlannerInputError
        Naming the field, e.g. ``roof.planes[2].tilt_deg``.
    """
    if isinstance(planes, RoofPlane | Mapping | str | bytes) or not isinstance(planes, Sequence):
        raise PlannerInputError(Message.of("errors.pv.not_a_list",
                                           "{field} must be a list of roof planes",
                                           field=field_prefix), field=field_prefix)
    if not planes:
        raise PlannerInputError(Message.of("errors.pv.no_plane",
                                           "{field}: add at least one roof plane",
                                           field=field_prefix), field=field_prefix)
    checked: list[RoofPlane] = []
    for i, plane in enumerate(planes):
        data = plane.model_dump() if isinstance(plane, BaseModel) else plane
        try:
            checked.append(RoofPlane.model_validate(data))
        except ValidationError as exc:
            raise planner_error(exc, f"{field_prefix}[{i}]") from None
    seen: dict[str, int] = {}
    for i, plane in enumerate(checked):
        if plane.name in seen:
            field = f"{field_prefix}[{i}].name"
            raise PlannerInputError(
                Message.of("errors.pv.name_taken", "{field}: {name} is already the name of "
                           "plane {other}; give every plane its own name", field=field,
                           name=repr(plane.name), other=seen[plane.name]),
                field=field,
            )
        seen[plane.name] = i
    return checked


def validate_settings(settings: Any, *, field_prefix: str = "pv") -> PVModelSettings:
    """Validate model settings given as ``None`` (defaults), a model or a mapping."""
    if settings is None:
        return PVModelSettings()
    data = settings.model_dump() if isinstance(settings, BaseModel) else settings
    try:
        return PVModelSettings.model_validate(data)
    except ValidationError as exc:
        raise planner_error(exc, field_prefix) from None


#: Weather columns the model needs (pvlib names): W/m2, W/m2, W/m2, degC, m/s.
WEATHER_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")

# plausibility limits that catch wrong units rather than judge the climate
_IRRADIANCE_MAX_W_M2 = 1500.0
_TEMP_AIR_RANGE_C = (-90.0, 65.0)
_WIND_MAX_M_S = 75.0


class WeatherArrays(NamedTuple):
    """Validated weather as numpy arrays on its index."""

    index: pd.DatetimeIndex
    step: pd.Timedelta
    ghi: np.ndarray
    dni: np.ndarray
    dhi: np.ndarray
    temp_air: np.ndarray
    wind_speed: np.ndarray

    @property
    def step_hours(self) -> float:
        return self.step / pd.Timedelta(hours=1)


def validate_weather(weather: Any, *, field_prefix: str = "weather") -> WeatherArrays:
    """Check a weather frame and return it as arrays.

    The frame needs the columns of :data:`WEATHER_COLUMNS`, a tz-aware, increasing, regular
    index with a step that divides an hour, and finite values. Small negative irradiance and
    wind readings are set to 0.

    Raises
    ------
    PlannerInputError
        Naming ``weather.<column>`` or ``weather.index`` and how to fix it.
    """
    if not isinstance(weather, pd.DataFrame):
        raise PlannerInputError(
            Message.of("errors.pv.weather_not_frame",
                       "{field} must be a pandas DataFrame with columns {columns}",
                       field=field_prefix, columns=str(list(WEATHER_COLUMNS))),
            field=field_prefix,
        )
    missing = [c for c in WEATHER_COLUMNS if c not in weather.columns]
    if missing:
        raise PlannerInputError(
            Message.of("errors.pv.weather_columns",
                       "{field} lacks the columns {missing} (it has {columns}); name them as pvlib "
                       "does: ghi, dni, dhi [W/m2], temp_air [degC], wind_speed [m/s]",
                       field=field_prefix, missing=str(missing),
                       columns=str(list(map(str, weather.columns)))),
            field=f"{field_prefix}.{missing[0]}",
        )
    index = weather.index
    field = f"{field_prefix}.index"
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        raise PlannerInputError(
            Message.of("errors.pv.index_not_aware",
                       "{field} must be a timezone-aware DatetimeIndex (local standard time, "
                       "labels at interval start); build it with "
                       "weather.timeaxis.typical_year_index", field=field),
            field=field,
        )
    if len(index) < 2:
        raise PlannerInputError(Message.of("errors.pv.index_short",
                                           "{field} needs at least two time steps", field=field),
                                field=field)
    steps = np.diff(index.as_unit("ns").asi8)
    if (steps <= 0).any():
        first = index[int(np.argmax(steps <= 0)) + 1]
        raise PlannerInputError(
            Message.of("errors.pv.index_order", "{field} must increase without duplicates; "
                       "see {first}", field=field, first=str(first)), field=field
        )
    step = pd.Timedelta(int(steps[0]), unit="ns")
    if (steps != steps[0]).any() or step > pd.Timedelta(hours=1) or pd.Timedelta(hours=1) % step:
        raise PlannerInputError(
            Message.of("errors.pv.index_step",
                       "{field} must have one regular step that divides an hour (60, 30, 15 ... "
                       "min); map the data onto weather.timeaxis.typical_year_index first",
                       field=field),
            field=field,
        )
    arrays = {}
    for column in WEATHER_COLUMNS:
        values = pd.to_numeric(weather[column], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            raise PlannerInputError(
                Message.of("errors.pv.weather_missing_values",
                           "{field} has missing, non-numeric or infinite values ({count}), the "
                           "first at {at}; fill or interpolate them before simulating",
                           field=f"{field_prefix}.{column}", count=int(bad.sum()),
                           at=str(index[int(np.argmax(bad))])),
                field=f"{field_prefix}.{column}",
            )
        arrays[column] = values
    for column in ("ghi", "dni", "dhi"):
        if arrays[column].max() > _IRRADIANCE_MAX_W_M2:
            raise PlannerInputError(
                Message.of("errors.pv.irradiance_high",
                           "{field} reaches {peak:.0f}, above {limit:.0f} W/m2: check that it "
                           "is irradiance in W/m2", field=f"{field_prefix}.{column}",
                           peak=float(arrays[column].max()), limit=_IRRADIANCE_MAX_W_M2),
                field=f"{field_prefix}.{column}",
            )
        arrays[column] = np.maximum(arrays[column], 0.0)
    low, high = _TEMP_AIR_RANGE_C
    if arrays["temp_air"].min() < low or arrays["temp_air"].max() > high:
        raise PlannerInputError(
            Message.of("errors.pv.temp_range",
                       "{field} leaves {low:g}..{high:g}: check that it is in degC",
                       field=f"{field_prefix}.temp_air", low=low, high=high),
            field=f"{field_prefix}.temp_air",
        )
    if arrays["wind_speed"].max() > _WIND_MAX_M_S:
        raise PlannerInputError(
            Message.of("errors.pv.wind_high", "{field} exceeds {limit:g}: check that it is in m/s",
                       field=f"{field_prefix}.wind_speed", limit=_WIND_MAX_M_S),
            field=f"{field_prefix}.wind_speed",
        )
    arrays["wind_speed"] = np.maximum(arrays["wind_speed"], 0.0)
    return WeatherArrays(index, step, **arrays)


def validate_site(latitude: Any, longitude: Any, elevation_m: Any) -> tuple[float, float, float]:
    """Check site coordinates [deg, deg, m]; errors name ``site.latitude`` etc."""
    checked = []
    for name, value, low, high in (
        ("site.latitude", latitude, -90.0, 90.0),
        ("site.longitude", longitude, -180.0, 180.0),
        ("site.elevation_m", elevation_m, -500.0, 9000.0),
    ):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        if not low <= number <= high:
            raise PlannerInputError(Message.of(
                "errors.pv.outside_range", "{name} = {value} is outside {low:g}..{high:g}",
                name=name, value=repr(value), low=low, high=high), field=name)
        checked.append(number)
    return checked[0], checked[1], checked[2]
