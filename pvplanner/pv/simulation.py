"""Roof planes and PV yield with pvlib.

:func:`ac_kw_per_kwp` turns a typical-year weather frame into AC kW per kWp for each roof
plane (what the optimizer scales); :func:`simulate_pv` applies capacities and sums energy.
The chain follows NREL PVWatts v8: sun at the interval midpoint, Perez transposition, a
physical anti-reflective cover model, the De Soto air-mass modifier, SAM's NOCT cell
temperature, the PVWatts DC model with a temperature coefficient and itemised losses, and the
PVWatts inverter with clipping at ``1 / dc_ac_ratio`` kW per kWp. Racked rows add row-to-row
shading of beam, circumsolar, sky and ground-reflected light (2-D infinite rows). Inputs
are the models of :mod:`pvplanner.pv.models`, re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pvlib

import pvplanner.pv.physics as pv_physics
from pvplanner.errors import PlannerInputError
from pvplanner.messages import Message
from pvplanner.pv.models import (
    WEATHER_COLUMNS,
    Mounting,
    PVLosses,
    PVModelSettings,
    RoofPlane,
    RowSpacing,
    WeatherArrays,
    module_azimuths_deg,
    plane_max_kwp,
    pv_default,
    pv_defaults,
    row_spacing,
    validate_planes,
    validate_settings,
    validate_site,
    validate_weather,
)

__all__ = [
    "WEATHER_COLUMNS",
    "Mounting",
    "PVLosses",
    "PVModelSettings",
    "PVSimulation",
    "RoofPlane",
    "RowSpacing",
    "ac_kw_per_kwp",
    "degradation_factors",
    "lifetime_generation_kwh",
    "plane_max_kwp",
    "pv_defaults",
    "row_spacing",
    "simulate_pv",
    "validate_planes",
    "validate_settings",
    "validate_site",
    "validate_weather",
]


class _Face(NamedTuple):
    """One module orientation with its mounting; planes are weighted sums of faces."""

    kind: str  # "flush", "rows" (open ground between rows) or "ew" (back-to-back pairs)
    tilt_deg: float
    azimuth_deg: float
    gcr: float  # rows in front: slant length / pitch; 0 for flush
    efficiency: float  # module STC efficiency, for the cell temperature


def _plane_faces(plane: RoofPlane) -> list[tuple[_Face, float]]:
    efficiency = plane.module_power_density_w_m2 / 1000.0
    tilt = round(plane.module_tilt_deg, 9)
    if plane.mounting == "flush":
        return [(_Face("flush", tilt, round(plane.azimuth_deg % 360, 9), 0.0, efficiency), 1.0)]
    if plane.mounting == "tilted_rows":
        azimuth = round(plane.azimuth_deg % 360, 9)
        return [(_Face("rows", tilt, azimuth, round(plane.coverage, 9), efficiency), 1.0)]
    # East-west pairs: half the modules face each side. Seen from one side, the ridge of the
    # neighbouring pair is the "row in front", one pair pitch away: per side, slant / pitch
    # is half the module area over roof area.
    gcr = round(plane.coverage / 2.0, 9)
    return [(_Face("ew", tilt, round(face, 9), gcr, efficiency), 0.5)
            for face in module_azimuths_deg("east_west", plane.azimuth_deg)]


def _faces_dc_kw_per_kwp(
    wx: WeatherArrays,
    latitude: float,
    longitude: float,
    elevation_m: float,
    faces: list[_Face],
    settings: PVModelSettings,
) -> np.ndarray:
    """DC power per kWp of each face, array (T, F), after losses."""
    defaults = pv_defaults()
    tilt = np.array([f.tilt_deg for f in faces])
    azimuth = np.array([f.azimuth_deg for f in faces])
    gcr = np.array([f.gcr for f in faces])
    kind = np.array([f.kind for f in faces])

    # Sun position at the interval MIDPOINT: irradiance values are averages over the interval
    # that starts at the label, so the sun geometry that represents them is the one at its
    # centre (the label itself would lag the sun by half a step, skewing mornings vs
    # afternoons by ~7.5 deg of hour angle for hourly data).
    midpoints = wx.index + wx.step / 2
    pressure = pvlib.atmosphere.alt2pres(elevation_m)
    sun = pv_physics.solar_position(
        midpoints, latitude, longitude, pressure_pa=pressure, temperature_c=wx.temp_air
    )
    zenith = sun.apparent_zenith[:, np.newaxis]
    sun_azimuth = sun.azimuth[:, np.newaxis]
    up = zenith < 90.0
    cos_zenith = np.where(up, np.cos(np.radians(zenith)), 0.0)
    dni = np.where(up, wx.dni[:, np.newaxis], 0.0)
    dhi = wx.dhi[:, np.newaxis]
    solar_constant = defaults["sun"]["solar_constant_w_m2"]["value"]
    dni_extra = (solar_constant / sun.earth_sun_distance**2)[:, np.newaxis]
    with np.errstate(invalid="ignore"):
        airmass = pvlib.atmosphere.get_relative_airmass(zenith)  # NaN below the horizon

    aoi = pvlib.irradiance.aoi(tilt, azimuth, zenith, sun_azimuth)
    cos_aoi = np.cos(np.radians(aoi))
    beam = dni * np.maximum(cos_aoi, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        perez = pvlib.irradiance.perez(
            tilt,
            azimuth,
            dhi,
            dni,
            dni_extra,
            zenith,
            sun_azimuth,
            airmass,
            return_components=True,
        )
    # dhi = 0 makes Perez's clearness undefined (NaN): there is no diffuse then. With the sun
    # below the horizon at the midpoint (first and last hour of the day) Perez has no air
    # mass; the diffuse light measured in that interval is taken as isotropic instead.
    isotropic = np.where(
        up, np.nan_to_num(perez["poa_isotropic"]), dhi * (1 + np.cos(np.radians(tilt))) / 2
    )
    circumsolar = np.nan_to_num(perez["poa_circumsolar"])
    horizon = np.nan_to_num(perez["poa_horizon"])
    ground = settings.albedo * wx.ghi[:, np.newaxis] * (1 - np.cos(np.radians(tilt))) / 2

    racked = gcr > 0
    if racked.any():
        safe_gcr = np.where(racked, gcr, 0.5)
        front_sky, front_ground, back_sky = pv_physics.row_view_factors(tilt, safe_gcr)
        shaded = pv_physics.row_shaded_fraction(cos_aoi, cos_zenith, gcr)
        beam = beam * (1 - shaded)
        circumsolar = circumsolar * (1 - shaded)  # circumsolar light comes with the beam
        sky_ratio = np.where(racked, front_sky / ((1 + np.cos(np.radians(tilt))) / 2), 1.0)
        isotropic = isotropic * sky_ratio
        horizon = np.where(racked, 0.0, horizon)  # the row in front hides the horizon band
        # rows see the ground between them, lit by the beam where no row shadow falls and by
        # the sky it sees; east-west pairs see the backs of their neighbours, not the roof
        lit = pv_physics.ground_sunlit_fraction(cos_aoi, cos_zenith, safe_gcr)
        ground_sky = pv_physics.ground_sky_view_factor(front_sky, back_sky, safe_gcr)
        between_rows = settings.albedo * front_ground * (dni * cos_zenith * lit + dhi * ground_sky)
        ground = np.where(kind == "rows", between_rows, np.where(kind == "ew", 0.0, ground))
    poa = np.maximum(beam + circumsolar + isotropic + horizon + ground, 0.0)

    cover = {
        "n": defaults["cover"]["glass_refractive_index"]["value"],
        "K": defaults["cover"]["glass_extinction_per_m"]["value"],
        "L": defaults["cover"]["glass_thickness_m"]["value"],
        "n_ar": defaults["cover"]["ar_coating_refractive_index"]["value"],
    }
    sky_angle, ground_angle = pv_physics.diffuse_equivalent_angles(tilt)
    effective = (
        (beam + circumsolar) * pv_physics.cover_transmittance(aoi, cover)
        + (isotropic + horizon) * pv_physics.cover_transmittance(sky_angle, cover)
        + ground * pv_physics.cover_transmittance(ground_angle, cover)
    )
    effective = np.maximum(effective, 0.0)
    if settings.spectral_correction:
        max_zenith = defaults["spectral"]["max_zenith_deg"]["value"]
        coefficients = defaults["spectral"]["desoto_coefficients"]["value"]
        absolute_airmass = pvlib.atmosphere.get_absolute_airmass(
            pvlib.atmosphere.get_relative_airmass(np.minimum(sun.apparent_zenith, max_zenith)),
            pressure,
        )
        modifier = pvlib.spectrum.spectral_factor_sapm(
            absolute_airmass, {f"A{i}": c for i, c in enumerate(coefficients)}
        )
        effective = effective * np.asarray(modifier)[:, np.newaxis]

    flush = kind == "flush"
    temp_air = wx.temp_air[:, np.newaxis]
    wind = wx.wind_speed[:, np.newaxis]
    temperature = defaults["temperature"]
    if settings.temperature_model == "noct_sam":
        noct = np.where(
            flush, temperature["noct_flush_c"]["value"], temperature["noct_rack_c"]["value"]
        )
        cell = pvlib.temperature.noct_sam(
            poa,
            temp_air,
            wind,
            noct,
            np.array([f.efficiency for f in faces]),
            transmittance_absorptance=temperature["noct_transmittance_absorptance"]["value"],
            array_height=int(temperature["noct_array_height_stories"]["value"]),
        )
    else:
        a, b, delta_t = np.where(
            flush[:, np.newaxis],
            np.array(temperature["sapm_flush"]["value"]),
            np.array(temperature["sapm_rack"]["value"]),
        ).T
        cell = pvlib.temperature.sapm_cell(poa, temp_air, wind, a, b, delta_t)

    dc = pvlib.pvsystem.pvwatts_dc(
        effective, cell, 1.0, settings.temperature_coefficient_percent_per_c / 100.0
    )
    return np.maximum(dc, 0.0) * (1.0 - settings.losses.total_percent / 100.0)


def _inverter_ac(dc_kw_per_kwp: np.ndarray, settings: PVModelSettings) -> np.ndarray:
    """PVWatts inverter: AC limit 1/dc_ac_ratio kW per kWp, efficiency curve, no night power."""
    eta = settings.inverter_efficiency_percent / 100.0
    ac_limit = 1.0 / settings.dc_ac_ratio
    return pvlib.inverter.pvwatts(dc_kw_per_kwp, ac_limit / eta, eta_inv_nom=eta)


def ac_kw_per_kwp(
    weather: pd.DataFrame,
    *,
    latitude: float,
    longitude: float,
    elevation_m: float,
    planes: Any,
    settings: PVModelSettings | Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """AC output per kWp DC of each roof plane [kW/kWp].

    Each plane is taken to have its own inverter capacity at ``settings.dc_ac_ratio``, so the
    columns scale linearly with capacity. Planes sharing orientation and mounting are
    computed once, and the geometry once for all planes.

    Parameters
    ----------
    weather : pandas.DataFrame
        Typical-year weather (tz-aware index, labels at interval start) with the columns of
        :data:`WEATHER_COLUMNS`.
    latitude, longitude : float
        Site [deg], north and east positive.
    elevation_m : float
        Site elevation [m].
    planes : sequence of RoofPlane or mappings
        Roof planes, unique names.
    settings : PVModelSettings, mapping or None
        Model settings; ``None`` uses the defaults.

    Returns
    -------
    pandas.DataFrame
        One column per plane name, on ``weather.index``; values >= 0.

    Raises
    ------
    PlannerInputError
        Bad weather, site, planes or settings, naming the field.
    """
    wx = validate_weather(weather)
    latitude, longitude, elevation_m = validate_site(latitude, longitude, elevation_m)
    checked = validate_planes(planes)
    settings = validate_settings(settings)

    faces: dict[_Face, int] = {}
    recipes = []
    for plane in checked:
        recipe = tuple(
            (faces.setdefault(face, len(faces)), weight) for face, weight in _plane_faces(plane)
        )
        recipes.append(recipe)
    dc = _faces_dc_kw_per_kwp(wx, latitude, longitude, elevation_m, list(faces), settings)
    unique = list(dict.fromkeys(recipes))
    plane_dc = np.column_stack([sum(w * dc[:, i] for i, w in recipe) for recipe in unique])
    ac = _inverter_ac(plane_dc, settings)
    column = {recipe: j for j, recipe in enumerate(unique)}
    return pd.DataFrame(
        {plane.name: ac[:, column[recipe]] for plane, recipe in zip(checked, recipes, strict=True)},
        index=wx.index,
    )


@dataclass(frozen=True)
class PVSimulation:
    """PV output of a set of planes with given capacities.

    ``ac_kw`` and ``plane_ac_kw`` are mean AC power over each weather interval [kW];
    energies are in kWh.
    """

    ac_kw: pd.Series
    plane_ac_kw: pd.DataFrame
    planes: tuple[RoofPlane, ...]
    plane_capacity_kwp: dict[str, float]
    plane_annual_ac_kwh: dict[str, float]
    step_hours: float
    annual_ac_kwh: float
    monthly_ac_kwh: tuple[float, ...]
    capacity_kwp: float
    specific_yield_kwh_per_kwp: float

    @property
    def hourly_ac_kw(self) -> pd.Series:
        """Total AC power as hourly means [kW] (the series itself for hourly weather)."""
        if self.step_hours == 1.0:
            return self.ac_kw
        return self.ac_kw.resample("1h").mean()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary with the ``simulate --json`` keys and per-plane details."""
        planes = []
        for plane in self.planes:
            capacity = self.plane_capacity_kwp[plane.name]
            energy = self.plane_annual_ac_kwh[plane.name]
            planes.append(
                {
                    "name": plane.name,
                    "mounting": plane.mounting,
                    "module_tilt_deg": plane.module_tilt_deg,
                    "azimuth_deg": plane.azimuth_deg,
                    "capacity_kwp": capacity,
                    "max_kwp": plane_max_kwp(plane),
                    "annual_ac_kwh": energy,
                    "specific_yield_kwh_per_kwp": energy / capacity if capacity > 0 else 0.0,
                }
            )
        return {
            "annual_ac_kwh": self.annual_ac_kwh,
            "specific_yield_kwh_per_kwp": self.specific_yield_kwh_per_kwp,
            "monthly_ac_kwh": list(self.monthly_ac_kwh),
            "capacity_kwp": self.capacity_kwp,
            "planes": planes,
        }


def simulate_pv(
    weather: pd.DataFrame,
    *,
    latitude: float,
    longitude: float,
    elevation_m: float,
    planes: Any,
    capacities_kwp: Mapping[str, float],
    settings: PVModelSettings | Mapping[str, Any] | None = None,
) -> PVSimulation:
    """Simulate PV output for given plane capacities.

    Planes missing from ``capacities_kwp`` get 0 kWp. Roof limits
    (:func:`plane_max_kwp`) are the optimizer's business and are not enforced here.
    ``specific_yield_kwh_per_kwp`` is 0 when the total capacity is 0.

    Raises
    ------
    PlannerInputError
        Bad inputs (see :func:`ac_kw_per_kwp`), or a capacity that is negative, not finite or
        names no plane (field ``pv.capacities_kwp.<name>``).
    """
    checked = validate_planes(planes)
    names = [plane.name for plane in checked]
    if not isinstance(capacities_kwp, Mapping):
        raise PlannerInputError(
            Message.of("errors.pv.capacities_not_map",
                       "pv.capacities_kwp must map plane names to kWp"),
            field="pv.capacities_kwp"
        )
    capacity = dict.fromkeys(names, 0.0)
    for name, value in capacities_kwp.items():
        field = f"pv.capacities_kwp.{name}"
        if name not in capacity:
            raise PlannerInputError(
                Message.of("errors.pv.no_such_plane",
                           "{field}: no roof plane is called {name} (planes: {planes})",
                           field=field, name=repr(name), planes=str(names)), field=field
            )
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        if not (np.isfinite(number) and number >= 0):
            raise PlannerInputError(Message.of("errors.pv.capacity_invalid",
                                               "{field} = {value} must be a number >= 0 kWp",
                                               field=field, value=repr(value)), field=field)
        capacity[name] = number
    per_kwp = ac_kw_per_kwp(
        weather,
        latitude=latitude,
        longitude=longitude,
        elevation_m=elevation_m,
        planes=checked,
        settings=settings,
    )
    step_hours = (per_kwp.index[1] - per_kwp.index[0]) / pd.Timedelta(hours=1)
    plane_ac = per_kwp * pd.Series(capacity)
    total = plane_ac.sum(axis=1).rename("ac_kw")
    annual = float(total.sum() * step_hours)
    monthly = total.groupby(total.index.month).sum().reindex(range(1, 13), fill_value=0.0)
    capacity_kwp = float(sum(capacity.values()))
    return PVSimulation(
        ac_kw=total,
        plane_ac_kw=plane_ac,
        planes=tuple(checked),
        plane_capacity_kwp=capacity,
        plane_annual_ac_kwh={n: float(plane_ac[n].sum() * step_hours) for n in names},
        step_hours=step_hours,
        annual_ac_kwh=annual,
        monthly_ac_kwh=tuple(float(v) * step_hours for v in monthly.to_numpy()),
        capacity_kwp=capacity_kwp,
        specific_yield_kwh_per_kwp=annual / capacity_kwp if capacity_kwp > 0 else 0.0,
    )


def degradation_factors(
    years: int,
    first_year_percent: float | None = None,
    annual_percent: float | None = None,
) -> np.ndarray:
    """Energy multiplier for each year of life, linear as module power warranties are.

    Year 1 yields what the weather gives (1.0: the simulated yield is that of new modules,
    light-induced degradation being one of the itemised losses). Year ``k >= 2`` is scaled by
    the power at its start: ``1 - first_year_percent/100 - (k - 2) annual_percent/100``,
    floored at 0. With 1 % and 0.4 %/yr, year 31 starts at 87.4 % (a 30-year warranty end).

    Parameters
    ----------
    years : int
        System life [years], >= 0.
    first_year_percent, annual_percent : float, optional
        Power lost in the first year [%] and in each later year [%/year]; defaults from
        ``data/pv_defaults.toml``.

    Returns
    -------
    numpy.ndarray
        ``years`` multipliers, the first 1.0.
    """
    if first_year_percent is None:
        first_year_percent = pv_default("system", "degradation_first_year_percent")
    if annual_percent is None:
        annual_percent = pv_default("system", "degradation_annual_percent")
    for name, value, high in (
        ("pv.degradation_first_year_percent", first_year_percent, 100.0),
        ("pv.degradation_annual_percent", annual_percent, 100.0),
    ):
        if not (np.isfinite(value) and 0.0 <= value <= high):
            raise PlannerInputError(Message.of("errors.pv.percent_range",
                                               "{name} = {value} must be within 0..{high:g} %",
                                               name=name, value=repr(value), high=high),
                                    field=name)
    if isinstance(years, bool) or not isinstance(years, int | np.integer) or years < 0:
        raise PlannerInputError(Message.of(
            "errors.pv.life_years",
            "the system life must be a whole number of years >= 0, got {years}",
            years=repr(years)))
    k = np.arange(1, years + 1)
    factors = 1.0 - first_year_percent / 100.0 - (k - 2) * annual_percent / 100.0
    factors[k == 1] = 1.0
    return np.maximum(factors, 0.0)


def lifetime_generation_kwh(
    annual_ac_kwh: float,
    years: int,
    first_year_percent: float | None = None,
    annual_percent: float | None = None,
) -> float:
    """AC energy over the system life [kWh]: first-year energy times the sum of the factors."""
    return float(
        annual_ac_kwh * degradation_factors(years, first_year_percent, annual_percent).sum()
    )
