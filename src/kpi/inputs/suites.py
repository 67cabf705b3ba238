"""The great-expectations suites of every input: one `Check` per expectation, with what it guards and its default severity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from kpi import fi
from kpi.fi import STATUSES
from kpi.inputs.comparison import COMPARISON
from kpi.inputs.datasets import MILESTONE_STATUSES, TABLES
from kpi.inputs.readers import SOURCE_ROW, TableSpec, expected_text, type_pattern
from kpi.inputs.strategy import Strategy

Severity = Literal["hard", "soft"]

#: Account groups of the budget follow-up (talousarvioseuranta.xlsx, column 'tiliryhmä').
ACCOUNT_GROUPS = (
    "Toimintatuotot",
    "Henkilöstökulut",
    "Palvelujen ostot",
    "Aineet, tarvikkeet ja tavarat",
    "Avustukset",
    "Muut toimintakulut",
)
#: Words that start a total row, which must not be in a data table (totals are computed, never read).
TOTAL_ROW_PATTERN = r"(?i)^\s*(?:yhteensä|yht\.|summa|kaikki yhteensä|total)\b"
PERIOD_MONTH_DAYS = ("06-30", "12-31")


@dataclass(frozen=True)
class Check:
    """One expectation and what a reader needs to act on its failure.

    Attributes
    ----------
    id : str
        Stable id (``<file stem>.<what>``); ``params: quality.soft`` lists the ids that only flag.
    frame : str
        The frame it runs on: ``raw:<table>`` (the file as text), ``<table>`` (typed, with derived
        columns), ``strategy:<part>`` or a derived cross-file frame such as ``indicator_coverage``.
    file : str
        The input file a failure points to.
    column : str or None
        The column a failure points to, as the file names it.
    expected : str
        What was expected, in plain English words (terminal).
    expected_fi : str
        The same in Finnish (quality report and notebook).
    build : callable
        ``build(gxe)`` returns the great-expectations expectation (gxe = ``great_expectations.expectations``),
        so that the slow import happens once, in the gate.
    severity : {"hard", "soft"}
        Default severity: hard stops the run, soft only flags.
    key : str
        The frame column that identifies a failing row: the file's row number, or an id.
    value : str or None
        The frame column whose value is shown for a failing row.
    """

    id: str
    frame: str
    file: str
    column: str | None
    expected: str
    expected_fi: str
    build: Callable[[Any], Any]
    severity: Severity = "hard"
    key: str = SOURCE_ROW
    value: str | None = None  # the frame column whose value a failing row shows
    flag: str = ""  # for soft checks: what the flagged rows are, e.g. "example values"


def _header(table: str, field: str) -> str:
    return next(c.header for c in TABLES[table].columns if c.field == field)


def _stem(table: str) -> str:
    return TABLES[table].file_name.rsplit(".", 1)[0]


# ---------------------------------------------------------------- the file as text: columns, empties, types


def raw_checks(
    table: str, spec: TableSpec, decimal: Literal[",", "."], columns_present: set[str], width: int | None = None
) -> list[Check]:
    """Checks of one file read as text: its columns, required values, the form of each cell, no total rows.

    Per-column checks are built only for columns the file has: a missing column is reported once, by the
    column-set check, instead of once per expectation that would need it.
    """
    stem, file = spec.file_name.rsplit(".", 1)[0], spec.file_name
    checks = [
        # schema: every column of the data dictionary is present (extra columns are allowed)
        Check(
            f"{stem}.columns",
            f"raw:{table}",
            file,
            None,
            f"the columns {', '.join(c.header for c in spec.columns)}",
            f"sarakkeet {', '.join(c.header for c in spec.columns)}",
            lambda gxe, s=spec: gxe.ExpectTableColumnsToMatchSet(  # type: ignore[misc]
                column_set=[c.header for c in s.columns], exact_match=False
            ),
        ),
        # structure: no row has more cells than the header (a stray separator or a decimal comma in a ',' file)
        Check(
            f"{stem}.row_width",
            f"raw:{table}",
            file,
            None,
            f"at most {width or len(spec.columns)} cells per row, as many as the header has columns (a stray "
            "separator, or a decimal comma in a comma-separated file?)",
            "rivillä enintään yhtä monta solua kuin otsikkorivillä sarakkeita",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="extra_cells", min_value=0, max_value=0),
            value="cells_detail",
        ),
    ]
    for c in spec.columns:
        if c.header not in columns_present:
            continue
        if c.required:
            # completeness: a required column has a value in every row (merged-cell leftovers show up here)
            checks.append(
                Check(
                    f"{stem}.{c.field}.not_empty",
                    f"raw:{table}",
                    file,
                    c.header,
                    f"a value in every row ({expected_text(c.type, decimal)})",
                    "arvo jokaisella rivillä",
                    lambda gxe, h=c.header: gxe.ExpectColumnValuesToNotBeNull(column=h),  # type: ignore[misc]
                    value=c.header,
                )
            )
        pattern = type_pattern(c.type, decimal)
        if pattern:
            # type: each cell has the form of its type in this file's dialect (decimal mark, dates, kyllä/ei)
            checks.append(
                Check(
                    f"{stem}.{c.field}.type",
                    f"raw:{table}",
                    file,
                    c.header,
                    expected_text(c.type, decimal),
                    _EXPECTED_FI[c.type],
                    lambda gxe, h=c.header, p=pattern: gxe.ExpectColumnValuesToMatchRegex(column=h, regex=p),  # type: ignore[misc]
                    value=c.header,
                )
            )
    text_keys = [c.header for c in spec.columns if c.type == "str" and c.required and c.header in columns_present][:2]
    for header in text_keys:
        # no trailing total row: totals are computed from the rows, a 'Yhteensä' row would count everything twice
        checks.append(
            Check(
                f"{stem}.no_total_row.{header}",
                f"raw:{table}",
                file,
                header,
                "no total row ('Yhteensä', 'Summa'): totals are computed, remove the row",
                "ei summariviä (Yhteensä): summat lasketaan, poista rivi",
                lambda gxe, h=header: gxe.ExpectColumnValuesToNotMatchRegex(column=h, regex=TOTAL_ROW_PATTERN),  # type: ignore[misc]
                value=header,
            )
        )
    return checks


_EXPECTED_FI = {
    "float": "luku (desimaalipilkku, esim. 1 234,5)",
    "int": "kokonaisluku",
    "date": "päivämäärä, esim. 30.6.2023 tai 2023-06-30",
    "bool": "kyllä tai ei",
    "str": "tekstiä",
}


# ---------------------------------------------------------------- typed tables


def _period_end_check(table: str) -> Check:
    # allowed values: follow-up happens at 30.6. and 31.12. only
    return Check(
        f"{_stem(table)}.period_end.half_year",
        table,
        TABLES[table].file_name,
        _header(table, "period_end"),
        "a period end: 30.6. or 31.12.",
        "kauden loppu: 30.6. tai 31.12.",
        lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="period_md", value_set=list(PERIOD_MONTH_DAYS)),
        value="period_end",
    )


def _in_set(table: str, field: str, values: list[str], what: str, what_fi: str) -> Check:
    return Check(
        f"{_stem(table)}.{field}.known",
        table,
        TABLES[table].file_name,
        _header(table, field),
        f"{what}: {', '.join(values) if len(values) <= 8 else ', '.join(values[:8]) + ' …'}",
        what_fi,
        lambda gxe: gxe.ExpectColumnValuesToBeInSet(column=field, value_set=values),
        value=field,
    )


def _unique(table: str, fields: list[str], what: str, what_fi: str) -> Check:
    headers = [_header(table, f) for f in fields]
    return Check(
        f"{_stem(table)}.unique",
        table,
        TABLES[table].file_name,
        " + ".join(headers),
        what,
        what_fi,
        lambda gxe: (
            gxe.ExpectCompoundColumnsToBeUnique(column_list=fields)
            if len(fields) > 1
            else gxe.ExpectColumnValuesToBeUnique(column=fields[0])
        ),
        value=fields[0],
    )


def _at_least_zero(table: str, field: str, what: str, what_fi: str) -> Check:
    return Check(
        f"{_stem(table)}.{field}.not_negative",
        table,
        TABLES[table].file_name,
        _header(table, field),
        f"{what} of zero or more",
        f"{what_fi}: ei negatiivisia arvoja",  # no verb to agree with a plural ("henkilötyövuodet")
        lambda gxe: gxe.ExpectColumnValuesToBeBetween(column=field, min_value=0),
        value=field,
    )


def _first_id(table: str) -> str:
    return next(c.field for c in TABLES[table].columns if c.field.endswith("_id") or c.field == "period_end")


def _example_values(table: str) -> Check:
    # soft: illustrative values are allowed, but the report must say they are included
    return Check(
        f"{_stem(table)}.example_values",
        table,
        TABLES[table].file_name,
        _header(table, "is_example"),
        "real values for the period (rows marked as example values are shown as such)",
        "kauden arvot todellisia (esimerkkiarvot merkitään raporttiin)",
        lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="example_at_period", value_set=[False]),
        severity="soft",
        value=_first_id(table),
        flag="example values",
    )


def table_checks(strategy: Strategy | None) -> list[Check]:
    """Checks of the typed tables against the strategy and the vocabularies (period ends, statuses, units, ranges).

    Without a strategy (only to list the check ids) the sets of known ids are empty.
    """

    def ids(items) -> list[str]:
        return sorted(x.id for x in items) if strategy else []

    indicators = ids(strategy.indicators if strategy else ())
    areas = ids(strategy.responsible_areas if strategy else ())
    checks: list[Check] = [_period_end_check(t) for t in TABLES]
    checks += [
        # referential integrity: every indicator id exists in the strategy
        _in_set(
            "observations",
            "indicator_id",
            indicators,
            "an indicator id of strategia.yaml",
            "strategian indikaattorin tunnus",
        ),
        # uniqueness: one value per indicator and period end
        _unique(
            "observations",
            ["indicator_id", "period_end"],
            "one row per indicator and period end",
            "yksi rivi indikaattoria ja kautta kohden",
        ),
        # allowed values: the unit is the one the strategy gives the indicator
        Check(
            "havainnot.unit.as_in_strategy",
            "observations",
            "havainnot.csv",
            "yksikkö",
            "the unit the strategy gives the indicator",
            "strategiassa indikaattorille annettu yksikkö",
            lambda gxe: gxe.ExpectColumnPairValuesToBeEqual(column_A="unit", column_B="expected_unit"),
            value="unit_detail",
        ),
        # ranges: shares within 0–100 %, scores within 1–5, counts and euros not negative (valid_range in the strategy)
        Check(
            "havainnot.value.in_range",
            "observations",
            "havainnot.csv",
            "arvo",
            "a value within the indicator's valid range (shares 0–100 %, scores 1–5, counts and euros ≥ 0)",
            "arvo indikaattorin sallitulla välillä (osuudet 0–100 %, asteikko 1–5, määrät ja eurot ≥ 0)",
            lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="in_range", value_set=[True]),
            value="range_detail",
        ),
        # missing values: an empty value needs the explicit no-data mark, and a value must not carry it
        Check(
            "havainnot.value.or_no_data_mark",
            "observations",
            "havainnot.csv",
            "arvo",
            "a value, or an empty value with kyllä in 'ei_tietoa' (not both)",
            "arvo tai tyhjä arvo ja 'ei_tietoa' = kyllä (ei molempia)",
            lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="value_xor_no_data", value_set=[True]),
            value="indicator_id",
        ),
        _example_values("observations"),
        _in_set(
            "milestones",
            "measure_id",
            ids(strategy.milestones if strategy else ()),
            "a milestone measure of strategia.yaml",
            "strategian virstanpylväsmittari",
        ),
        _in_set("milestones", "status", list(MILESTONE_STATUSES), "one of", "valmis, käynnissä tai ei aloitettu"),
        _unique(
            "milestones",
            ["measure_id", "period_end"],
            "one row per milestone and period end",
            "yksi rivi virstanpylvästä ja kautta kohden",
        ),
        _example_values("milestones"),
        # ranges: a plausible population for a Finnish municipality
        Check(
            "vaesto.population.plausible",
            "population",
            "vaesto.csv",
            "väkiluku",
            "a population between 100 and 1 000 000",
            "väkiluku 100–1 000 000",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="population", min_value=100, max_value=1_000_000),
            value="population",
        ),
        # ranges: a typo such as 70 290 for 7 029 shows as a jump against the previous period end
        Check(
            "vaesto.population.change",
            "population",
            "vaesto.csv",
            "väkiluku",
            "a change of at most 10 % from the previous period end",
            "muutos edellisestä kaudesta enintään 10 %",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="change_pct", min_value=-10, max_value=10),
            value="change_detail",
        ),
        _unique("population", ["period_end"], "one row per period end", "yksi rivi kautta kohden"),
        _example_values("population"),
        _in_set(
            "budget", "responsible_area", areas, "a responsibility area of strategia.yaml", "strategian vastuualue"
        ),
        _in_set(
            "budget",
            "account_group",
            list(ACCOUNT_GROUPS),
            "one of the account groups",
            # semicolons: a group's own name holds a comma ("Aineet, tarvikkeet ja tavarat")
            "tiliryhmä jokin seuraavista: " + "; ".join(ACCOUNT_GROUPS),
        ),
        # uniqueness: one budget row per area, account group and period end
        _unique(
            "budget",
            ["period_end", "responsible_area", "account_group"],
            "one row per period end, responsibility area and account group",
            "yksi rivi kautta, vastuualuetta ja tiliryhmää kohden",
        ),
        # ranges: budgets, actuals and forecasts are amounts, never negative (changes may be)
        _at_least_zero("budget", "original_budget", "an original budget", "alkuperäinen talousarvio"),
        _at_least_zero("budget", "actual", "an actual", "toteuma"),
        _at_least_zero("budget", "forecast", "a forecast", "ennuste"),
        # missing values: at 30.6. the year-end forecast is part of the follow-up
        Check(
            "talousarvioseuranta.forecast.at_30_6",
            "budget",
            "talousarvioseuranta.xlsx",
            "ennuste",
            "a forecast for 31.12. on every 30.6. row",
            "ennuste 31.12. jokaisella 30.6.-rivillä",
            lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="forecast_ok", value_set=[True]),
            severity="soft",
            value="responsible_area",
            flag="30.6. rows without a forecast",
        ),
        _example_values("budget"),
        _in_set(
            "adjustment", "responsible_area", areas, "a responsibility area of strategia.yaml", "strategian vastuualue"
        ),
        _unique(
            "adjustment",
            ["action_id", "period_end"],
            "one row per action and period end",
            "yksi rivi toimenpidettä ja kautta kohden",
        ),
        _at_least_zero("adjustment", "planned_eur", "a planned saving", "suunniteltu säästö"),
        _at_least_zero("adjustment", "realised_eur", "a realised saving", "toteutunut säästö"),
        _at_least_zero("adjustment", "planned_htv", "planned person-years", "suunniteltu HTV-vähennys"),
        _at_least_zero("adjustment", "realised_htv", "realised person-years", "toteutunut HTV-vähennys"),
        _example_values("adjustment"),
        _in_set(
            "programmes",
            "programme_id",
            ids(strategy.programmes if strategy else ()),
            "a programme id of strategia.yaml",
            "strategian ohjelman tunnus",
        ),
        _in_set("programmes", "status", list(STATUSES), "one of", "arviointiasteikon arvo"),
        _unique(
            "programmes",
            ["programme_id", "period_end"],
            "one row per programme and period end",
            "yksi rivi ohjelmaa ja kautta kohden",
        ),
        Check(
            "ohjelmat.updated_year.plausible",
            "programmes",
            "ohjelmat.csv",
            "päivitetty_vuonna",
            "a year no later than the period's year",
            "vuosi viimeistään kauden vuosi",
            lambda gxe: gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="period_year", column_B="updated_year", or_equal=True
            ),
            value="updated_year",
        ),
        _example_values("programmes"),
        _in_set(
            "assessments",
            "goal_id",
            ids(strategy.goals if strategy else ()),
            "a goal id of strategia.yaml",
            "strategian tavoitteen tunnus",
        ),
        _in_set("assessments", "administration_status", list(STATUSES), "one of", "arviointiasteikon arvo"),
        _in_set("assessments", "audit_committee_status", list(STATUSES), "one of", "arviointiasteikon arvo"),
        _unique(
            "assessments",
            ["goal_id", "period_end"],
            "one row per goal and period end",
            "yksi rivi tavoitetta ja kautta kohden",
        ),
        _example_values("assessments"),
        _in_set("staff", "responsible_area", areas, "a responsibility area of strategia.yaml", "strategian vastuualue"),
        # uniqueness: one row per unit and period end (a unit listed twice would be counted twice in the totals)
        _unique(
            "staff",
            ["period_end", "responsible_area", "unit"],
            "one row per period end, responsibility area and unit",
            "yksi rivi kautta, vastuualuetta ja yksikköä kohden",
        ),
        _at_least_zero("staff", "head_count", "a head count", "henkilöstömäärä"),
        _at_least_zero("staff", "person_years", "person-years", "henkilötyövuodet"),
        _at_least_zero("staff", "sick_leave_days", "sick-leave days", "sairauspoissaolopäivät"),
        _at_least_zero("staff", "respondents", "a number of respondents", "vastaajamäärä"),
        # ranges: a survey cannot have more respondents than the unit has staff
        Check(
            "henkilosto.respondents.at_most_head_count",
            "staff",
            "henkilosto.csv",
            "kyselyyn_vastanneet",
            "at most as many respondents as the unit has staff ('henkilöstö')",
            "vastaajia enintään yhtä monta kuin yksikössä on henkilöstöä",
            lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="respondents_ok", value_set=[True]),
            value="respondents_detail",
        ),
        # ranges: the survey's scale is 1–5
        Check(
            "henkilosto.satisfaction.scale",
            "staff",
            "henkilosto.csv",
            "työtyytyväisyys",
            "a satisfaction score between 1 and 5",
            "työtyytyväisyys asteikolla 1–5",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="satisfaction", min_value=1, max_value=5),
            value="satisfaction",
        ),
        # missing values: a score needs respondents and respondents need a score (both empty when no survey)
        Check(
            "henkilosto.survey.complete",
            "staff",
            "henkilosto.csv",
            "kyselyyn_vastanneet + työtyytyväisyys",
            "a satisfaction score exactly where there are respondents (both empty when there was no survey)",
            "työtyytyväisyys täsmälleen niillä riveillä, joilla on vastaajia (molemmat tyhjiä, jos kyselyä ei tehty)",
            lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="survey_ok", value_set=[True]),
            value="unit",
        ),
        _example_values("staff"),
    ]
    return checks


def strategy_checks() -> list[Check]:
    """Checks of the strategy as tidy frames (the loader has already refused structurally broken files)."""
    file = "strategia.yaml"
    return [
        # every goal is measured and acted on
        Check(
            "strategia.goal.has_measures",
            "strategy:goals",
            file,
            "measures",
            "at least one measure per goal",
            "jokaisella tavoitteella vähintään yksi mittari",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="measures", min_value=1),
            key="goal_id",
            value="measures",
        ),
        Check(
            "strategia.goal.has_actions",
            "strategy:goals",
            file,
            "actions",
            "at least one action per goal",
            "jokaisella tavoitteella vähintään yksi toimenpide",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="actions", min_value=1),
            key="goal_id",
            value="actions",
        ),
        # every indicator has a unit, so values can be compared and shown
        Check(
            "strategia.indicator.unit",
            "strategy:indicators",
            file,
            "unit",
            "a unit for every indicator",
            "jokaisella indikaattorilla yksikkö",
            lambda gxe: gxe.ExpectColumnValueLengthsToBeBetween(column="unit", min_value=1),
            key="indicator_id",
            value="unit",
        ),
        # targets lie within the indicator's valid range (a share target of 140 % is a typo)
        Check(
            "strategia.target.in_range",
            "strategy:targets",
            file,
            "targets",
            "targets within the indicator's valid range",
            "tavoitteet indikaattorin sallitulla välillä",
            lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="in_range", value_set=[True]),
            key="indicator_id",
            value="range_detail",
        ),
        # the measures name known responsibility areas
        Check(
            "strategia.measure.area",
            "strategy:measures",
            file,
            "responsible_area",
            "a responsibility area listed in the file",
            "tiedostossa lueteltu vastuualue",
            lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="area_known", value_set=[True]),
            key="measure_id",
            value="responsible_area",
        ),
    ]


def coverage_checks(period_end: dt.date) -> list[Check]:
    """Cross-file checks for the requested period: completeness, freshness and given totals against their parts."""
    p = f"{fi.date(period_end)}"
    checks = [
        # completeness: every indicator of the strategy has a row for the period (a value or the no-data mark)
        Check(
            "havainnot.complete_for_period",
            "indicator_coverage",
            "havainnot.csv",
            "indikaattori_id",
            f"a row for {p} for every indicator of the strategy (a value, or kyllä in 'ei_tietoa')",
            f"rivi kaudelle {p} jokaiselle strategian indikaattorille (arvo tai 'ei_tietoa' = kyllä)",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="rows_at_period", min_value=1, max_value=1),
            key="indicator_id",
            value="rows_at_period",
        ),
        # missing value: a no-data mark, or only an older value, makes the measure 'ei arvioitavissa'
        Check(
            "havainnot.value_for_period",
            "indicator_coverage",
            "havainnot.csv",
            "arvo",
            f"a value for {p} (the latest value is older: the measure cannot be assessed)",
            f"arvo kaudelta {p} (viimeisin arvo on vanhempi: mittaria ei voi arvioida)",
            lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="latest_value", value_set=[p]),
            severity="soft",
            key="indicator_id",
            value="latest_value",
            flag="indicators without a value for the period (the latest one is older)",
        ),
        # completeness: every milestone has a status for the period
        Check(
            "virstanpylvaat.complete_for_period",
            "milestone_coverage",
            "virstanpylvaat.csv",
            "mittari_id",
            f"a status for {p} for every milestone measure",
            f"tila kaudelle {p} jokaiselle virstanpylväälle",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="rows_at_period", min_value=1, max_value=1),
            key="measure_id",
            value="rows_at_period",
        ),
        # completeness: the population of the period, needed for every per-resident figure
        Check(
            "vaesto.complete_for_period",
            "population_coverage",
            "vaesto.csv",
            "kauden_loppu",
            f"the population at {p}",
            f"väkiluku {p}",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="rows_at_period", min_value=1, max_value=1),
            key="period",
            value="rows_at_period",
        ),
        # completeness: a budget row for every active responsibility area and account group
        Check(
            "talousarvioseuranta.complete_for_period",
            "budget_coverage",
            "talousarvioseuranta.xlsx",
            "vastuualue + tiliryhmä",
            f"a row for {p} for every active responsibility area and account group",
            f"rivi kaudelle {p} jokaiselle toimivalle vastuualueelle ja tiliryhmälle",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="rows_at_period", min_value=1, max_value=1),
            key="area_group",
            value="rows_at_period",
        ),
        # consistency: a total given in one file equals the sum of its parts in another
        Check(
            "johdetut.total_equals_parts",
            "consistency",
            "havainnot.csv",
            "arvo",
            "derived indicators equal their parts (costs per resident = budget costs / population; "
            "adjustment savings = sum of the programme's rows; sick-leave days per person-year and job "
            "satisfaction = the units of henkilosto.csv)",
            "johdetut indikaattorit vastaavat osiaan (kulut/asukas = talousarvion kulut / väkiluku; "
            "sopeutuksen säästöt = toimenpiteiden summa; sairauspoissaolot/HTV ja työtyytyväisyys = "
            "henkilosto.csv:n yksiköt)",
            lambda gxe: gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="tolerance", column_B="abs_difference", or_equal=True
            ),
            key="check",
            value="detail",
        ),
    ]
    checks.append(
        # completeness: the staff figures of the period, shown per unit (with small counts hidden) in the reports
        Check(
            "henkilosto.complete_for_period",
            "staff_coverage",
            "henkilosto.csv",
            "kauden_loppu",
            f"staff figures for {p} (the reports show none for the period otherwise)",
            f"henkilöstöluvut kaudelta {p} (muuten raporteissa ei ole kauden henkilöstölukuja)",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="rows_at_period", min_value=1),
            severity="soft",
            key="period",
            value="rows_at_period",
            flag="no staff figures for the period",
        )
    )
    if not fi.is_half_year(period_end):
        # the year-end evaluation needs both assessments of every goal; missing ones are flagged, not fatal
        checks.append(
            Check(
                "arviot.complete_for_period",
                "assessment_coverage",
                "arviot.csv",
                "tavoite_id",
                f"an assessment for {p} for every goal",
                f"arvio kaudelle {p} jokaiselle tavoitteelle",
                lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="rows_at_period", min_value=1, max_value=1),
                severity="soft",
                key="goal_id",
                value="rows_at_period",
                flag="goals without an assessment",
            )
        )
    return checks


def comparison_checks() -> list[Check]:
    """Checks of the comparison table (vertailu.csv, and every file `kpi import` reads before it is merged in);
    the frame is kpi.inputs.comparison.checked_frame, one row per municipality, indicator and period."""
    file = "vertailu.csv"
    return [
        # referential integrity: every municipality is one of the classification (or the whole country, SSS)
        Check(
            "vertailu.municipality.known",
            "comparison",
            file,
            "kuntakoodi",
            "a municipality code of the classification (kuntaluokitus.csv) or SSS for the whole country",
            "luokituksen kuntakoodi tai SSS (koko maa)",
            lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="code_known", value_set=[True]),
            key="key",
            value="code_detail",
        ),
        # uniqueness: one value per municipality, indicator and period (two would be two truths)
        Check(
            "vertailu.unique",
            "comparison",
            file,
            "kuntakoodi + indikaattori + kausi",
            "one value per municipality, indicator and period",
            "yksi arvo kuntaa, indikaattoria ja kautta kohden",
            lambda gxe: gxe.ExpectColumnValuesToBeUnique(column="key"),
            key="key",
            value="value",
        ),
        # types: a number in every row (a text or an empty value is no statistic)
        Check(
            "vertailu.value.number",
            "comparison",
            file,
            "arvo",
            "a number in every row",
            "luku jokaisella rivillä",
            lambda gxe: gxe.ExpectColumnValuesToNotBeNull(column="value"),
            key="key",
            value="value",
        ),
        # ranges: a period is a year (2021), a month (2021-06) or a quarter (2021-Q2) …
        Check(
            "vertailu.period.form",
            "comparison",
            file,
            "kausi",
            "a year (2021), a month (2021-06) or a quarter (2021-Q2)",
            "vuosi (2021), kuukausi (2021-06) tai neljännes (2021-Q2)",
            lambda gxe: gxe.ExpectColumnValuesToBeInSet(column="period_form_ok", value_set=[True]),
            key="key",
            value="period",
        ),
        # … of a plausible year: not before official statistics, not after next year
        Check(
            "vertailu.period.plausible",
            "comparison",
            file,
            "kausi",
            "a year from 1900 to next year",
            "vuosi 1900–ensi vuosi",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(
                column="year", min_value=1900, max_value=dt.date.today().year + 1
            ),
            key="key",
            value="period",
        ),
    ]


def jsonstat_checks() -> list[Check]:
    """Checks of a json-stat2 file before it is read: its frame has one row per file (file, values, cells)."""
    return [
        # structure: the flat value list holds one value per combination of the dimensions' categories
        Check(
            "jsonstat.value_count",
            "jsonstat",
            "json-stat2",
            "value",
            "as many values as the product of the dimensions' sizes ('size')",
            "yhtä monta arvoa kuin ulottuvuuksien kokojen tulo",
            lambda gxe: gxe.ExpectColumnPairValuesToBeEqual(column_A="values", column_B="cells"),
            key="file",
            value="detail",
        ),
    ]


def all_check_ids() -> list[str]:
    """Every check id the gate can run, whatever the data (for params validation and `kpi checks`)."""
    return [c.id for c in all_checks()]


def all_checks() -> list[Check]:
    """Every check the gate can run, with the value sets left empty (the ids, texts and severities are static)."""
    checks = [
        c for table, spec in TABLES.items() for c in raw_checks(table, spec, ",", {c.header for c in spec.columns})
    ]
    checks += raw_checks("comparison", COMPARISON, ",", {c.header for c in COMPARISON.columns})
    return (
        checks
        + table_checks(None)
        + strategy_checks()
        + coverage_checks(dt.date(2000, 12, 31))
        + comparison_checks()
        + jsonstat_checks()
    )
