"""The city beside comparable municipalities in the open statistics: peers, population, key figures, unemployment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpi import fi
from kpi.errors import ParameterError
from kpi.inputs.open_data.classification import WHOLE_COUNTRY, Classification, municipality_code

#: Statistics Finland and THL publish these statistics under this licence; every page showing a value names it.
LICENCE = "CC BY 4.0"
POPULATION = "vakiluku"
UNEMPLOYED, LABOUR_FORCE = "tyottomat", "tyovoima"
#: The groupings of the classification a peer group can be (comparison.peer_group).
PEER_GROUPS = ("seutukunta", "maakunta", "kuntaryhmitys")
#: The key figures set side by side, in the order the page shows them (ids of kpi/inputs/open_data/indicators.yaml).
KEY_FIGURES = (
    "vuosikate_euroa_asukas",
    "lainakanta_euroa_asukas",
    "tyottomien_osuus",
    "tyollisyysaste",
    "ika_alle_15_osuus",
    "ika_15_64_osuus",
    "ika_yli_64_osuus",
    "taloudellinen_huoltosuhde",
    "opetus_ja_kulttuuri_nettokustannukset_euroa_asukas",
    "sosiaali_ja_terveys_nettokustannukset_euroa_asukas",
)
CITY, PEER, COUNTRY = "city", "peer", "country"


# ---------------------------------------------------------------- periods and sources


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    """`table` without its attrs: pandas deep-copies attrs (vertailu.csv's row numbers) into every derived frame,
    which made the key figures take seconds instead of milliseconds."""
    plain = table.copy(deep=False)
    plain.attrs = {}
    return plain


def period_end_of(period: str) -> dt.date:
    """The last day a period of the table covers: ``"2021"`` → 31.12.2021, ``"2020-10"`` → 31.10.2020."""
    if len(period) == 4:
        return dt.date(int(period), 12, 31)
    year, month = int(period[:4]), int(period[5:7])
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def known_at(table: pd.DataFrame, period_end: dt.date) -> pd.DataFrame:
    """The rows of the comparison table whose period had ended by `period_end`.

    A report of 30.6.2022 then shows no population of 31.12.2022, as the pillar pages show no later value.
    """
    table = _plain(table)
    ends = table.period.map(period_end_of)
    return table[ends <= period_end].reset_index(drop=True)


def latest_year(table: pd.DataFrame, code: str) -> int | None:
    """The latest year of any figure of municipality `code` in the table (None when it has none)."""
    table = _plain(table)
    periods = table.period[table.municipality_code == code]
    return int(periods.str[:4].astype(int).max()) if len(periods) else None


def sources(*frames: pd.DataFrame) -> pd.DataFrame:
    """The sources behind the given result frames (each with ``source``, ``table_id``, ``period`` or ``year``).

    Returns
    -------
    pandas.DataFrame
        One row per source and table: ``source``, ``table_id``, ``first`` and ``last`` (years), ``retrieved``
        (the latest retrieval date, "" when the frames do not carry it), ``licence``.
    """
    rows = []
    for frame in frames:
        if not len(frame):
            continue
        years = frame["year"].astype(int) if "year" in frame else frame["period"].str[:4].astype(int)
        rows.append(
            pd.DataFrame(
                {
                    "source": frame["source"].astype(str),
                    "table_id": frame["table_id"].astype(str),
                    "year": years,
                    "retrieved": frame["retrieved"].astype(str) if "retrieved" in frame else "",
                }
            )
        )
    if not rows:
        return pd.DataFrame(columns=["source", "table_id", "first", "last", "retrieved", "licence"])
    every = pd.concat(rows, ignore_index=True)
    out = (
        every.groupby(["source", "table_id"], sort=True)
        .agg(first=("year", "min"), last=("year", "max"), retrieved=("retrieved", "max"))
        .reset_index()
    )
    out["licence"] = LICENCE
    return out


def _decimals(values: pd.Series) -> int:
    """How many decimals a figure is shown with: none for counts published as whole numbers, one otherwise."""
    v = values.dropna()
    return 0 if len(v) and bool((v == v.round()).all()) else 1


def _one_source(rows: pd.DataFrame) -> pd.DataFrame:
    """One value per municipality, indicator and period: where two tables give it (the population of 2021 is in
    both Sotkanet and the key figures), the one with the longer series of that indicator wins, so a series never
    switches source midway."""
    if not len(rows):
        return rows
    size = rows.groupby(["indicator", "source"]).period.transform("nunique")
    ranked = rows.assign(_size=size).sort_values(["_size", "source"], ascending=[False, True], kind="stable")
    return ranked.drop_duplicates(["municipality_code", "indicator", "period"]).drop(columns="_size")


# ---------------------------------------------------------------- peers


def _code(value: Any, name: str, classification: Classification) -> str:
    code = None if isinstance(value, bool) or value is None else municipality_code(str(value))
    if code is None or code == WHOLE_COUNTRY or classification.name_of(code) is None:
        where = f" ({classification.path.name}{' ' + classification.year if classification.year else ''})"
        raise ParameterError(
            f"{name}: {value!r} is not a municipality code of the classification{where}; "
            "give Statistics Finland's code, e.g. 320 for Kemijärvi"
        )
    return code


def city_code(comparison: Mapping[str, Any], classification: Classification) -> str:
    """The city's three-digit code (``comparison.municipality``: 320 → "320", 5 → "005").

    Raises
    ------
    ParameterError
        When the code is not in the classification.
    """
    return _code(comparison.get("municipality"), "comparison.municipality", classification)


def group_name(comparison: Mapping[str, Any], classification: Classification) -> str:
    """The name of the city's group the peers are chosen from (``Itä-Lappi``); "" when the peers are listed."""
    group = str(comparison.get("peer_group") or "")
    if comparison.get("peers") or group not in PEER_GROUPS:
        return ""
    m = classification.municipalities
    return str(m.loc[m.municipality_code == city_code(comparison, classification), group].iloc[0])


def latest_population(table: pd.DataFrame) -> pd.Series:
    """Each municipality's population in its latest year in the table (``vakiluku``), by municipality code."""
    table = _plain(table)
    rows = _one_source(table[table.indicator == POPULATION])
    rows = rows.assign(_end=rows.period.map(period_end_of)).sort_values("_end", kind="stable")
    latest = rows.drop_duplicates("municipality_code", keep="last")
    return pd.Series(latest.value.to_numpy(), index=latest.municipality_code.to_numpy(), name=POPULATION)


def peer_codes(comparison: Mapping[str, Any], classification: Classification, table: pd.DataFrame) -> list[str]:
    """The municipalities the city is compared with.

    Parameters
    ----------
    comparison : mapping
        ``comparison`` of the run parameters: ``municipality`` (the city's code), ``peers`` (codes), ``peer_group``
        ("", seutukunta, maakunta or kuntaryhmitys) and ``peer_population`` ([min, max], 0 = no limit).
    classification : Classification
        The municipality classification (``kuntaluokitus.csv``).
    table : pandas.DataFrame
        The comparison table; its latest population of each municipality is what ``peer_population`` filters on.

    Returns
    -------
    list of str
        Three-digit codes: the ``peers`` as listed (duplicates dropped); with ``peers: []`` every other municipality
        of the city's ``peer_group`` in the classification's order whose latest population is within
        ``peer_population`` (a municipality without a population in the table is left out when a limit is set).
        Never the city itself.

    Raises
    ------
    ParameterError
        A code that is not in the classification (naming the parameter and the code), an empty ``peers`` without
        a ``peer_group``, an unknown ``peer_group``, or a ``peer_population`` that is not [min, max].
    """
    city = city_code(comparison, classification)
    listed = comparison.get("peers") or []
    if not isinstance(listed, list | tuple):
        raise ParameterError(f"comparison.peers: expected a list of municipality codes, found {listed!r}")
    if listed:
        codes = [_code(p, "comparison.peers", classification) for p in listed]
        return [c for n, c in enumerate(codes) if c != city and c not in codes[:n]]
    group = str(comparison.get("peer_group") or "")
    if group not in PEER_GROUPS:
        raise ParameterError(
            f"comparison.peer_group: {group!r}; with comparison.peers: [] it must be one of {', '.join(PEER_GROUPS)}"
        )
    limits = comparison.get("peer_population") or [0, 0]
    if (
        not isinstance(limits, list | tuple)
        or len(limits) != 2
        or not all(isinstance(x, int | float) and not isinstance(x, bool) and x >= 0 for x in limits)
        or (limits[1] and limits[0] > limits[1])
    ):
        raise ParameterError(
            f"comparison.peer_population: expected [min, max] with 0 for no limit and min ≤ max, found {limits!r}"
        )
    low, high = float(limits[0]), float(limits[1])
    m = classification.municipalities
    own = m.loc[m.municipality_code == city, f"{group}_code"].iloc[0]
    members = [c for c in m.municipality_code[m[f"{group}_code"] == own] if c != city]
    if not (low or high):
        return members
    population = latest_population(table)
    return [
        c for c in members if c in population.index and population[c] >= low and (not high or population[c] <= high)
    ]


# ---------------------------------------------------------------- population


@dataclass(frozen=True)
class PopulationIndex:
    """Population by year as an index, and its change over the years shown.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per series and year: ``municipality_code``, ``municipality``, ``role`` (city, peer, country),
        ``year`` (int), ``population``, ``index`` (base year = 100), ``source``, ``table_id``, ``retrieved``.
    summary : pandas.DataFrame
        One row per series, city first, then the peers by change, then the country: ``municipality_code``,
        ``municipality``, ``role``, ``first`` and ``last`` (years), ``population_first``, ``population_last``,
        ``change_pct``, ``index_last``, ``rank`` (by change among the city and peers, 1 = grew most / fell least).
    base_year : int
    notes : tuple of str
        Finnish notes for the table: how the country's population was obtained, series left out.
    """

    frame: pd.DataFrame
    summary: pd.DataFrame
    base_year: int | None
    notes: tuple[str, ...]


def population_index(table: pd.DataFrame, codes: Sequence[str], *, first_year: int | None = None) -> PopulationIndex:
    """Population (``vakiluku``) by year as an index for the city, each peer and the whole country.

    Parameters
    ----------
    table : pandas.DataFrame
        The comparison table.
    codes : sequence of str
        The city first, then its peers.
    first_year : int, optional
        The base year (= 100); by default the first year every series has a value in.

    Returns
    -------
    PopulationIndex
        The whole country is the table's ``SSS`` rows when they cover every year shown, else the sum of all
        municipalities of the table for each year (a note says so and how many municipalities were summed).
        A series without a value in the base year is left out and named in the notes.
    """
    table = _plain(table)
    rows = _one_source(table[table.indicator == POPULATION])
    rows = rows[rows.period.str.fullmatch(r"\d{4}")].assign(year=lambda f: f.period.astype(int))
    codes = list(dict.fromkeys(codes))
    notes: list[str] = []
    parts = []
    for n, code in enumerate(codes):
        own = rows[rows.municipality_code == code]
        if len(own):
            parts.append(own.assign(role=CITY if n == 0 else PEER))
        else:
            notes.append(f"Kunnalla {code} ei ole väkilukua taulukossa.")
    years = sorted(set().union(*(set(p.year) for p in parts))) if parts else []
    country = rows[rows.municipality_code == WHOLE_COUNTRY]
    if years and not set(years) <= set(country.year):
        municipalities = rows[rows.municipality_code != WHOLE_COUNTRY]
        municipalities = municipalities[municipalities.year.isin(years)]
        summed = (
            municipalities.groupby("year")
            .agg(
                value=("value", "sum"),
                n=("municipality_code", "nunique"),
                source=("source", "first"),
                table_id=("table_id", "first"),
                retrieved=("retrieved", "max"),
            )
            .reset_index()
        )
        country = summed.assign(municipality_code=WHOLE_COUNTRY, municipality="Koko maa")
        counts = sorted(set(summed.n))
        count = fi.number(counts[0], 0) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
        notes.append(
            f"Koko maan väkiluku on taulukon kaikkien kuntien ({count}) väkilukujen summa, koska koko maan omaa lukua "
            "ei ole taulukossa joka vuodelta."
        )
    if len(country):
        parts.append(country.assign(role=COUNTRY))
    if not parts:
        empty = pd.DataFrame(columns=["municipality_code", "municipality", "role", "year", "population", "index"])
        return PopulationIndex(empty, empty, None, tuple(notes))
    every = pd.concat(parts, ignore_index=True)
    every = every[every.year.isin(years)] if years else every
    common = set.intersection(*(set(g.year) for _, g in every.groupby("municipality_code")))
    base = first_year if first_year is not None else (min(common) if common else int(every.year.min()))
    has_base = every.groupby("municipality_code").year.apply(lambda y: base in set(y))
    for code in has_base.index[~has_base]:
        name = every.municipality[every.municipality_code == code].iloc[0]
        notes.append(f"{name}: ei väkilukua vuodelta {base}, ei mukana indeksissä.")
    every = every[every.municipality_code.isin(has_base.index[has_base]) & (every.year >= base)]
    base_value = every[every.year == base].set_index("municipality_code").value
    frame = pd.DataFrame(
        {
            "municipality_code": every.municipality_code,
            "municipality": every.municipality,
            "role": every.role,
            "year": every.year.astype(int),
            "population": every.value,
            "index": every.value / every.municipality_code.map(base_value) * 100,
            "source": every.source,
            "table_id": every.table_id,
            "retrieved": every.retrieved,
        }
    )
    order = {c: n for n, c in enumerate([*codes, WHOLE_COUNTRY])}
    frame = frame.sort_values(["municipality_code", "year"], key=lambda s: s.map(order) if s.name != "year" else s)
    frame = frame.reset_index(drop=True)
    return PopulationIndex(frame, _population_summary(frame), base, tuple(notes))


def _population_summary(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for code, series in frame.groupby("municipality_code", sort=False):
        first, last = series.iloc[0], series.iloc[-1]
        rows.append(
            {
                "municipality_code": code,
                "municipality": first.municipality,
                "role": first.role,
                "first": int(first.year),
                "last": int(last.year),
                "population_first": first.population,
                "population_last": last.population,
                "change_pct": (last.population / first.population - 1) * 100,
                "index_last": last["index"],
            }
        )
    out = pd.DataFrame(rows)
    compared = out.role != COUNTRY
    out["rank"] = out.change_pct.where(compared).rank(method="min", ascending=False)
    out["_order"] = out.role.map({CITY: 0, PEER: 1, COUNTRY: 2})
    return (
        out.sort_values(["_order", "change_pct"], ascending=[True, False]).drop(columns="_order").reset_index(drop=True)
    )


# ---------------------------------------------------------------- key figures


@dataclass(frozen=True)
class KeyFigures:
    """The key figures of the city beside its peers, each in the latest year the city has it.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per key figure (order of :data:`KEY_FIGURES`): ``indicator``, ``indicator_name``, ``unit``,
        ``decimals`` (as published), ``year``, ``city`` (the city's value), ``median`` (the peers' median),
        ``difference`` (city − median), ``rank`` (the city's among city and peers, 1 = highest, ties shared),
        ``ranked`` (how many had a value), ``lowest``, ``highest`` (of city and peers), ``country`` (the whole
        country's value where the table has one), ``source``, ``table_id``.
    values : pandas.DataFrame
        One row per key figure and municipality, the city first: ``indicator``, ``indicator_name``, ``unit``,
        ``decimals``, ``year``, ``municipality_code``, ``municipality``, ``role``, ``value``, ``rank``, ``source``,
        ``table_id``, ``retrieved``.
    """

    summary: pd.DataFrame
    values: pd.DataFrame


def key_figures(
    table: pd.DataFrame, city: str, peers: Sequence[str], *, indicators: Sequence[str] = KEY_FIGURES
) -> KeyFigures:
    """The city's key figures beside its peers': value, peers' median, rank and year.

    Parameters
    ----------
    table : pandas.DataFrame
        The comparison table.
    city : str
        The city's code.
    peers : sequence of str
        The peers' codes.
    indicators : sequence of str
        The key figures, in the order shown; ids not in the table are left out.

    Returns
    -------
    KeyFigures
        Each figure is taken in the latest year the city has it (the peers' latest when the city has none); a peer
        without a value that year has NaN and is not ranked.
    """
    table = _plain(table)
    codes = [city, *[p for p in peers if p != city]]
    summary, values = [], []
    for indicator in indicators:
        rows = _one_source(table[table.indicator == indicator])
        if not len(rows):
            continue
        mine = rows[rows.municipality_code.isin(codes)]
        own = mine[mine.municipality_code == city]
        pick = own if len(own) else mine
        if not len(pick):
            continue
        period = max(pick.period, key=period_end_of)
        now = rows[rows.period == period].set_index("municipality_code")
        first = now.iloc[0]
        value = pd.Series([now.value.get(c, float("nan")) for c in codes], index=codes, dtype=float)
        rank = value.rank(method="min", ascending=False)
        peer_values = value.iloc[1:]
        median = float(peer_values.median()) if peer_values.notna().any() else float("nan")
        names = [now.municipality.get(c) or _name(table, c) for c in codes]
        decimals = unit_decimals(first.unit, _decimals(rows.value))  # euros per inhabitant in whole euros
        summary.append(
            {
                "indicator": indicator,
                "indicator_name": first.indicator_name,
                "unit": first.unit,
                "decimals": decimals,
                "year": int(period[:4]),
                "city": value[city],
                "median": median,
                "difference": value[city] - median,
                "rank": rank[city],
                "ranked": int(value.notna().sum()),
                "lowest": value.min(),
                "highest": value.max(),
                "country": now.value.get(WHOLE_COUNTRY, float("nan")),
                "source": first.source,
                "table_id": first.table_id,
            }
        )
        values.append(
            pd.DataFrame(
                {
                    "indicator": indicator,
                    "indicator_name": first.indicator_name,
                    "unit": first.unit,
                    "decimals": decimals,
                    "year": int(period[:4]),
                    "municipality_code": codes,
                    "municipality": names,
                    "role": [CITY] + [PEER] * (len(codes) - 1),
                    "value": value.to_numpy(),
                    "rank": rank.to_numpy(),
                    "source": first.source,
                    "table_id": first.table_id,
                    "retrieved": first.retrieved,
                }
            )
        )
    summary_frame = pd.DataFrame(summary)
    values_frame = pd.concat(values, ignore_index=True) if values else pd.DataFrame()
    return KeyFigures(summary_frame, values_frame)


def _name(table: pd.DataFrame, code: str) -> str:
    names = table.municipality[table.municipality_code == code]
    return str(names.iloc[0]) if len(names) else code


# ---------------------------------------------------------------- unemployment


def unemployment(table: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """Yearly unemployment rate from the monthly employment service statistics.

    Parameters
    ----------
    table : pandas.DataFrame
        The comparison table with monthly ``tyottomat`` (unemployed jobseekers) and ``tyovoima`` (labour force).
    codes : sequence of str
        The city first, then its peers.

    Returns
    -------
    pandas.DataFrame
        One row per municipality and year, in the order of `codes`: ``municipality_code``, ``municipality``,
        ``role``, ``year``, ``rate`` (%: the mean of the monthly unemployed / labour force of the months that have
        both), ``months`` (how many), ``unemployed`` and ``labour_force`` (their monthly means), ``rank`` (among
        `codes` that year, 1 = highest rate), ``median`` (the peers' median rate that year), ``source``,
        ``table_id``, ``retrieved``.
    """
    table = _plain(table)
    codes = list(dict.fromkeys(codes))
    monthly = table[
        table.indicator.isin([UNEMPLOYED, LABOUR_FORCE])
        & table.municipality_code.isin(codes)
        & table.period.str.fullmatch(r"\d{4}-\d{2}")
    ]
    columns = ["municipality_code", "municipality", "role", "year", "rate", "months", "unemployed", "labour_force"]
    if not len(monthly):
        return pd.DataFrame(columns=[*columns, "rank", "median", "source", "table_id", "retrieved"])
    wide = monthly.pivot_table(
        index=["municipality_code", "period"], columns="indicator", values="value", aggfunc="first"
    ).reset_index()
    wide = wide.dropna(subset=[c for c in (UNEMPLOYED, LABOUR_FORCE) if c in wide]).reindex(
        columns=["municipality_code", "period", UNEMPLOYED, LABOUR_FORCE]
    )
    wide = wide[wide[LABOUR_FORCE] > 0]
    wide["year"] = wide.period.str[:4].astype(int)
    wide["rate"] = wide[UNEMPLOYED] / wide[LABOUR_FORCE] * 100
    yearly = (
        wide.groupby(["municipality_code", "year"])
        .agg(
            rate=("rate", "mean"),
            months=("period", "nunique"),
            unemployed=(UNEMPLOYED, "mean"),
            labour_force=(LABOUR_FORCE, "mean"),
        )
        .reset_index()
    )
    origin = (
        monthly[monthly.indicator == UNEMPLOYED].drop_duplicates("municipality_code").set_index("municipality_code")
    )
    yearly["municipality"] = yearly.municipality_code.map(origin.municipality)
    yearly["role"] = [CITY if c == codes[0] else PEER for c in yearly.municipality_code]
    yearly["source"] = yearly.municipality_code.map(origin.source)
    yearly["table_id"] = yearly.municipality_code.map(origin.table_id)
    yearly["retrieved"] = yearly.municipality_code.map(origin.retrieved)
    yearly["rank"] = yearly.groupby("year").rate.rank(method="min", ascending=False)
    yearly["median"] = yearly.year.map(yearly[yearly.role == PEER].groupby("year").rate.median())
    order = {c: n for n, c in enumerate(codes)}
    yearly = yearly.sort_values(["municipality_code", "year"], key=lambda s: s.map(order) if s.name != "year" else s)
    return yearly[[*columns, "rank", "median", "source", "table_id", "retrieved"]].reset_index(drop=True)


# ---------------------------------------------------------------- findings


def unit_decimals(unit: str, decimals: int) -> int:
    """The decimals of a key figure: the unit's own where :data:`kpi.fi.UNIT_DECIMALS` fixes them (euros per
    inhabitant in whole euros), else the indicator's."""
    return fi.UNIT_DECIMALS.get(unit, int(decimals))


def _value(value: float, unit: str, decimals: int) -> str:
    return fi.with_unit(value, unit, decimals=unit_decimals(unit, decimals)).strip()


def _difference(value: float, unit: str, decimals: int) -> str:
    """A difference in the figure's own terms: per cents differ in percentage points, €/asukas in €/asukas (a bare
    "€" would read as euros in all)."""
    words = {"%": "prosenttiyksikköä"}.get(unit, unit)
    return f"{fi.number(abs(value), unit_decimals(unit, decimals))}{fi.NBSP}{words}".strip()


def findings(index: PopulationIndex, key: KeyFigures, rates: pd.DataFrame, *, city: str) -> list[str]:
    """Finnish sentences for the evaluation report on where the city stands beside its peers.

    Parameters
    ----------
    index : PopulationIndex
        :func:`population_index` of the city, its peers and the country.
    key : KeyFigures
        :func:`key_figures` of the city and its peers.
    rates : pandas.DataFrame
        :func:`unemployment` of the city and its peers.
    city : str
        The city's Finnish name (nominative: the sentences never inflect a place name).

    Returns
    -------
    list of str
        The population's change, one sentence per key figure with a value and a peers' median (e.g. "Vuosikate
        696 €/asukas vuonna 2020, 125 €/asukas suurempi kuin vertailukuntien mediaani (571 €/asukas)."), and the
        unemployment rate of the latest year; numbers through :mod:`kpi.fi`.
    """
    out = []
    s = index.summary
    own = s[s.role == CITY]
    if len(own):
        c = own.iloc[0]
        verb = "menetti väestöstään" if c.change_pct < 0 else "kasvatti väkilukuaan"
        text = (
            f"{city} {verb} {fi.percent(abs(c.change_pct))} vuosina {c['first']}–{c['last']} "
            f"({fi.number(c.population_first, 0)} → {fi.number(c.population_last, 0)})"
        )
        peer_rows = s[s.role == PEER]
        if len(peer_rows):
            # rank 1 grew most (or fell least); the last rank fell most (or grew least)
            last = int(s.loc[s.role != COUNTRY, "rank"].max())
            if c["rank"] in (1, last):
                most = (c["rank"] == 1) == (c.change_pct > 0)
                text += ", eniten vertailukunnista" if most else ", vähiten vertailukunnista"
            text += f"; vertailukuntien muutoksen mediaani oli {fi.signed_percent(peer_rows.change_pct.median())}"
        country = s[s.role == COUNTRY]
        if len(country):
            text += f" ja koko maan {fi.signed_percent(country.change_pct.iloc[0])}"
        out.append(text + ".")
    for r in key.summary.itertuples() if len(key.summary) else ():
        if pd.isna(r.city) or pd.isna(r.median):
            continue
        if fi.rounded(r.difference, unit_decimals(r.unit, r.decimals)) == 0:
            comparison = "sama kuin"
        else:
            comparison = f"{_difference(r.difference, r.unit, r.decimals)} " + (
                "suurempi kuin" if r.difference > 0 else "pienempi kuin"
            )
        extreme = ", vertailun suurin" if r.rank == 1 else ", vertailun pienin" if r.rank == r.ranked else ""
        # "<name>: <value> vuonna <year>, …": no verb to agree with a plural name ("nettokäyttökustannukset")
        out.append(
            f"{r.indicator_name}: {_value(r.city, r.unit, r.decimals)} vuonna {r.year}, {comparison} "
            f"vertailukuntien mediaani ({_value(r.median, r.unit, r.decimals)}){extreme}."
        )
    mine = rates[rates.role == CITY] if len(rates) else rates
    if len(mine):
        last, first = mine.iloc[-1], mine.iloc[0]
        months = "" if last.months == 12 else f" ({fi.number(last.months, 0)} kuukauden keskiarvo)"
        text = (
            f"Työnvälitystilaston mukaan työttömien työnhakijoiden osuus työvoimasta oli {fi.percent(last.rate)} "
            f"vuonna {last.year}{months}"
        )
        if pd.notna(last["median"]):
            diff = last.rate - last["median"]
            if fi.rounded(diff, 1) == 0:
                text += f", sama kuin vertailukuntien mediaani ({fi.percent(last['median'])})"
            else:
                side = "suurempi" if diff > 0 else "pienempi"
                text += (
                    f", {fi.number(abs(diff), 1)} prosenttiyksikköä {side} kuin vertailukuntien mediaani "
                    f"({fi.percent(last['median'])})"
                )
        if first.year != last.year:
            text += f"; vuonna {first.year} se oli {fi.percent(first.rate)}"
        out.append(text + ".")
    return out


@dataclass(frozen=True)
class Comparison:
    """Everything workbook 05_vertailu, the Excel sheet Vertailu and the Word draft show for one period end."""

    city: str
    city_name: str
    peers: list[str]
    peer_names: list[str]
    table: pd.DataFrame  # the comparison table as known at the period end (known_at)
    index: PopulationIndex
    key: KeyFigures
    rates: pd.DataFrame
    findings: list[str]


def compare(
    table: pd.DataFrame, classification: Classification, comparison: Mapping[str, Any], period_end: dt.date
) -> Comparison:
    """The city beside its peers at `period_end`: the one composition the workbook and the exports share.

    Parameters
    ----------
    table : pandas.DataFrame
        vertailu.csv (:func:`kpi.inputs.comparison.read_comparison`); only what was published by `period_end` is used.
    classification : Classification
        The data folder's kuntaluokitus.csv.
    comparison : mapping
        ``params["comparison"]``: municipality, peers or peer group and population range.
    period_end : datetime.date
    """
    known = known_at(table, period_end)
    city = city_code(comparison, classification)
    peers = peer_codes(comparison, classification, known)
    city_name = classification.name_of(city) or city
    index = population_index(known, [city, *peers])
    key = key_figures(known, city, peers)
    rates = unemployment(known, [city, *peers])
    return Comparison(
        city=city,
        city_name=city_name,
        peers=peers,
        peer_names=[classification.name_of(p) or p for p in peers],
        table=known,
        index=index,
        key=key,
        rates=rates,
        findings=findings(index, key, rates, city=city_name),
    )
