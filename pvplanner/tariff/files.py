"""Tariffs in and out: TOML/JSON files, the coal benchmark export price table.

The edges of the tariff model: reading and writing files, and turning pydantic's
``ValidationError`` into a :class:`~pvplanner.errors.TariffError` that names the field.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pvplanner.errors import PlannerInputError, TariffError
from pvplanner.guard.files import ENCODING_ADVICE, decode_text, os_reason
from pvplanner.guard.json_words import json_problem
from pvplanner.guard.toml_words import toml_detail
from pvplanner.messages import Message, bilingual
from pvplanner.tariff.coal import coal_benchmark_price, export_price_table
from pvplanner.tariff.model import PriceLevels, Season, Tariff

__all__ = [
    "coal_benchmark_price",
    "export_price_table",
    "flat_tariff",
    "load_tariff_file",
    "parse_tariff",
    "save_tariff_file",
    "tariff_to_toml",
]


# --------------------------------------------------------------------------------------------
# Parsing and files
# --------------------------------------------------------------------------------------------


def _field_problem(error: Mapping[str, Any]) -> Message:
    """One pydantic error of a tariff: a validator's own keyed error in the reader's
    language; pydantic's other words stay English."""
    loc = ".".join(str(part) for part in error.get("loc", ()))
    value = error.get("input")
    shown = "" if isinstance(value, (dict, list)) else f" (got {value!r})"
    got = bilingual(shown, f"（当前为 {value!r}）" if shown else "")
    original = (error.get("ctx") or {}).get("error")
    detail = (original.message if isinstance(original, PlannerInputError) and original.key
              else str(error["msg"]))
    return Message("errors.tariff.field_problem", f"tariff field '{loc}': {error['msg']}{shown}",
                   {"loc": loc, "detail": detail, "got": got})


def _as_tariff_error(exc: ValidationError, origin: str = "") -> TariffError:
    """A ValidationError as a TariffError naming the field(s) at fault."""
    errors = exc.errors()
    original = (errors[0].get("ctx") or {}).get("error")
    if isinstance(original, TariffError):
        problem: Message = original.message
        return TariffError(Message.of("errors.tariff.in_file", "{origin}: {problem}",
                                      origin=origin, problem=problem) if origin else problem,
                           field=original.field)
    # "a; b; c": each part keeps its own key, joined two at a time
    problem = _field_problem(errors[0])
    for error in errors[1:4]:
        problem = Message.of("errors.tariff.and", "{first}; {second}", first=problem,
                             second=_field_problem(error))
    if len(errors) > 4:
        problem = Message.of("errors.tariff.more_problems", "{problems}; and {count} more problems",
                             problems=problem, count=len(errors) - 4)
    first_loc = ".".join(str(part) for part in errors[0].get("loc", ()))
    return TariffError(
        Message.of("errors.tariff.in_file", "{origin}: {problem}", origin=origin,
                   problem=problem) if origin else problem,
        field=f"tariff.{first_loc}" if first_loc else "tariff",
    )


def parse_tariff(data: Mapping | Tariff, *, origin: str = "") -> Tariff:
    """Validate a tariff given as a mapping (parsed TOML/JSON) or a model.

    Raises
    ------
    TariffError
        Naming the field (or season, day type and time) at fault.
    """
    if isinstance(data, Tariff):
        data = data.model_dump()
    try:
        return Tariff.model_validate(data)
    except ValidationError as exc:
        raise _as_tariff_error(exc, origin) from exc


def load_tariff_file(path: str | Path) -> Tariff:
    """Read a tariff from a ``.toml`` or ``.json`` file.

    Raises
    ------
    TariffError
        If the file is missing, not TOML/JSON, or describes an invalid tariff.
    """
    path = Path(path)
    try:
        text, _ = decode_text(path.read_bytes(), path.name, advice=ENCODING_ADVICE["text"],
                              error=TariffError)
    except OSError as exc:
        raise TariffError(Message.of(
            "errors.tariff.file_unreadable", "cannot read tariff file {path}: {detail}",
            path=str(path), detail=os_reason(exc))) from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            raise TariffError(Message.of("errors.tariff.file_suffix",
                                         "tariff file {path} must end in .toml or .json",
                                         path=str(path)))
    except tomllib.TOMLDecodeError as exc:
        raise TariffError(Message.of(
            "errors.tariff.file_toml", "tariff file {path} is not valid TOML{detail}",
            path=str(path), detail=toml_detail(exc, text))) from None
    except json.JSONDecodeError as exc:
        raise TariffError(Message.of(
            "errors.tariff.file_json",
            "tariff file {path} is not valid JSON at line {line}, column {column}: {detail}",
            path=str(path), line=exc.lineno, column=exc.colno,
            detail=json_problem(text, exc))) from None
    return parse_tariff(data, origin=str(path))


def tariff_to_toml(tariff: Tariff) -> str:
    """The tariff as TOML text (fields left at ``None`` are omitted)."""
    import tomli_w

    return tomli_w.dumps(tariff.model_dump(mode="python", exclude_none=True))


def save_tariff_file(tariff: Tariff, path: str | Path) -> Path:
    """Write a tariff to ``path`` as TOML or JSON (by suffix); returns the path."""
    path = Path(path)
    if path.suffix.lower() == ".toml":
        text = tariff_to_toml(tariff)
    elif path.suffix.lower() == ".json":
        text = tariff.model_dump_json(indent=2, exclude_none=True)
    else:
        raise TariffError(Message.of("errors.tariff.file_suffix",
                                     "tariff file {path} must end in .toml or .json",
                                     path=str(path)))
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Simple tariffs
# --------------------------------------------------------------------------------------------


def flat_tariff(
    price_per_kwh: float,
    *,
    demand_rate_per_kw_month: float = 0.0,
    fixed_monthly_charge: float = 0.0,
    currency: str = "CNY",
    tariff_id: str = "flat",
    name: str = "Flat tariff",
    export: Mapping | None = None,
) -> Tariff:
    """A single-price tariff (one ``flat`` period all year), e.g. a blended rate.

    Parameters
    ----------
    price_per_kwh : float
        Energy price [currency/kWh].
    demand_rate_per_kw_month : float
        Charge per kW of each month's maximum demand [currency/kW-month].
    fixed_monthly_charge : float
        [currency/month].
    export : mapping, optional
        :class:`~pvplanner.tariff.model.ExportPolicy` fields; default: exports earn nothing.
    """
    data = {
        "id": tariff_id,
        "name": name,
        "currency": currency,
        "seasons": [Season(name="all_year", months=list(range(1, 13)), workday=["flat"] * 24)],
        "prices": PriceLevels(mode="explicit", per_kwh={"flat": price_per_kwh}),
        "fixed_monthly_charge": fixed_monthly_charge,
        "demand_charges": (
            [{"label": "monthly maximum demand", "rate_per_kw_month": demand_rate_per_kw_month}]
            if demand_rate_per_kw_month
            else []
        ),
    }
    if export is not None:
        data["export"] = dict(export)
    return parse_tariff(data)
