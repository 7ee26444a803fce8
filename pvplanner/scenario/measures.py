"""Optional scenario inputs beyond the roof: saving measures to apply to the load before
the PV is sized, and the production that the product footprint divides by.

The measures' effects, costs and sources are data (``data/measures/catalogue.toml``); a
scenario names them by id and may override a few numbers. Composed in
:mod:`pvplanner.scenario.model` as ``Scenario.measures`` and ``Scenario.production``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pvplanner.scenario.rules import rule_broken


class MeasureChoice(BaseModel):
    """A saving measure of the catalogue, with optional overrides of its figures."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    id: str = Field(..., min_length=1, max_length=60,
                    description="Measure id (data/measures/catalogue.toml)")
    end_use_share: float | None = Field(
        None, ge=0, le=1, description="Share of the site's load drawn by the end use the "
        "measure acts on, in its hours [fraction] (share measures)")
    saving_fraction: float | None = Field(
        None, ge=0, le=1, description="Share of that end use saved [fraction]")
    cut_kw: float | None = Field(
        None, ge=0, le=1e6, description="Power switched off in the measure's hours [kW] "
        "(off-hours measure; default: from the load data)")
    shift_fraction: float | None = Field(
        None, ge=0, le=1, description="Share of each day's sharp/peak load moved to valley "
        "hours [fraction] (shift measure)")
    capex: float | None = Field(None, ge=0, le=1e10,
                                description="Total cost [currency]; replaces the catalogue's")
    life_years: float | None = Field(None, gt=0, le=50, description="Service life [years]")

    def overrides(self) -> dict[str, float | None]:
        """The figures this choice sets (None = the catalogue's)."""
        return self.model_dump(exclude={"id"})


class ProductionInput(BaseModel):
    """What the site makes each month, for the product carbon footprint per unit."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    unit: str = Field(..., min_length=1, max_length=40,
                      description="Unit of product as the company counts it (t, 件, m2...)")
    monthly_units: list[float] = Field(
        ..., min_length=12, max_length=12,
        description="Units produced in each month, January first (12 values >= 0)")
    footprint_factor_id: str | None = Field(
        None, max_length=80, description="Product-footprint factor "
        "(data/carbon/footprint_factors.csv); empty: the latest")

    @field_validator("monthly_units")
    @classmethod
    def _a_year_of_output(cls, values: list[float]) -> list[float]:
        bad = [k for k, value in enumerate(values) if value < 0]
        if bad:
            raise rule_broken(
                "production_negative", "month {month} is {value:g}: production must be >= 0",
                month=bad[0] + 1, value=float(values[bad[0]])
            )
        if sum(values) <= 0:
            raise rule_broken(
                "production_zero", "the months add up to 0: enter what the site makes in a year"
            )
        return values
