"""The "Tiivistelmä" at the top of each report: three to five Finnish sentences from the facts of kpi.measures.summary.

The functions take the facts as plain values (``kpi.measures.summary.*.as_dict()``), since present may not import
measures; every number is written through :mod:`kpi.fi` and every name from an input file is escaped for Markdown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kpi import fi

#: How many goals and indicators the summary names as movers (the facts may hold more).
GOAL_MOVERS, INDICATOR_MOVERS = 3, 2


def period_genitive(period_end: Any) -> str:
    """``tilinpäätöksen 2023 (31.12.2023)``: the period named in the genitive, as "… tiedoille" needs it."""
    name = fi.period_label(period_end)
    genitive = name.replace("osavuosikatsaus ", "osavuosikatsauksen ").replace("tilinpäätös ", "tilinpäätöksen ")
    return f"{genitive} ({fi.date(period_end)})"


def _joined(parts: Sequence[str]) -> str:
    """``a, b ja c``."""
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " ja " + parts[-1]


def status_counts_fi(counts: Mapping[str, int], goals: int) -> str:
    """``Tietoihin perustuva arvio 15 tavoitteesta: ✓ toteutunut 6 ja ◐ osittain toteutunut 9.``: the statuses that
    occur, in the scale's order (a reader counts what is there; "ei toteutunut 0" is noise)."""
    parts = [f"{fi.status_label(s)} {int(counts[s])}" for s in fi.STATUSES if counts.get(s)]
    if not parts:
        return f"Tavoitteita on {goals}; yhtäkään ei voi arvioida kaudelta."
    return f"Tietoihin perustuva arvio {goals} tavoitteesta: {_joined(parts)}."


def movers_fi(
    goal_moves: Sequence[Mapping[str, Any]], indicator_moves: Sequence[Mapping[str, Any]], previous_end: Any
) -> str:
    """The goals whose status changed most since the previous period end, and the indicators that moved most."""
    since = f"edellisestä kaudesta ({fi.period_label(previous_end)})"
    if goal_moves:
        named = [
            f"{m['id']} {fi.escape_markdown(m['name'])} ({m['before']} → {m['after']})"
            for m in goal_moves[:GOAL_MOVERS]
        ]
        text = f"Tila muuttui eniten {since}: {_joined(named)}."
    else:
        text = f"Yhdenkään tavoitteen tila ei muuttunut {since}."
    if indicator_moves:
        named = [
            f"{fi.escape_markdown(m['name'])} ({fi.with_unit(m['before'], m['unit'])} → "
            f"{fi.with_unit(m['after'], m['unit'])}, {fi.signed_percent(m['pct'])})"
            for m in indicator_moves[:INDICATOR_MOVERS]
        ]
        text += f" Mittareiden arvoista muuttuivat suhteellisesti eniten {_joined(named)}."
    return text


def budget_fi(budget: Mapping[str, float], period_end: Any, *, whole_city: bool = False) -> str:
    """Worded as :func:`kpi.present.text.budget_sentence`: at 31.12. ``Toimintakulut olivat 94,7 M€ eli 102,8 %
    muutetusta talousarviosta.``; at 30.6. ``Toimintakuluja kertyi 1.1.–30.6.2022 46,7 M€ eli 51,0 % muutetusta
    talousarviosta (odotettu 50 %).``"""
    if not budget or budget.get("budget") in (None, 0):
        return "Talousarvion toteumaa ei ole kaudelta."
    share = f"{fi.euros(budget['actual'])} eli {fi.percent(budget['realised_pct'])} muutetusta talousarviosta"
    if not fi.is_half_year(period_end):
        return f"{'Koko kaupungin toimintakulut' if whole_city else 'Toimintakulut'} olivat {share}."
    who = "Koko kaupungin toimintakuluja" if whole_city else "Toimintakuluja"
    return f"{who} kertyi 1.1.–{fi.date(period_end)} {share} (odotettu {fi.percent(budget['expected_pct'], 0)})."


def not_assessable_fi(not_assessable: Mapping[str, int], not_assessable_goals: int) -> str:
    """What cannot be assessed and why, counted by reason; or that everything can."""
    n = sum(not_assessable.values())
    why = _joined([f"{fi.escape_markdown(reason)} ({k})" for reason, k in not_assessable.items()]) if n else ""
    if not n:
        text = "Kaikki mittarit ovat arvioitavissa."
    elif n == 1:
        text = f"Yksi indikaattori tai virstanpylväs ei ole arvioitavissa: {why}."
    else:
        text = f"Arvioitavissa ei ole {n} indikaattoria tai virstanpylvästä: {why}."
    if not_assessable_goals:
        text += f" Tavoitteista {not_assessable_goals} ei ole arvioitavissa, koska liian harva niiden mittareista on."
    return text


def report_summary_fi(facts: Mapping[str, Any], *, whole_city_budget: bool = False) -> str:
    """The summary of a follow-up report as Markdown: counts, movers, budget, what cannot be assessed.

    Parameters
    ----------
    facts : mapping
        ``kpi.measures.summary.report_summary(...).as_dict()``.
    whole_city_budget : bool
        Say that the budget is the whole city's (on a pillar's page, whose goals are only part of it).
    """
    return " ".join(
        [
            status_counts_fi(facts["counts"], facts["goals"]),
            movers_fi(facts["goal_moves"], facts["indicator_moves"], facts["previous_end"]),
            budget_fi(facts["budget"], facts["period_end"], whole_city=whole_city_budget),
            not_assessable_fi(facts["not_assessable"], facts["not_assessable_goals"]),
        ]
    )


def _names(names: Sequence[str]) -> str:
    return _joined([fi.escape_markdown(n) for n in names])


def comparison_summary_fi(facts: Mapping[str, Any]) -> str:
    """The summary of the peer comparison as Markdown (``kpi.measures.summary.comparison_summary(...).as_dict()``)."""
    city = fi.escape_markdown(facts["city"])
    text = [f"Vertailussa ovat {city} ja {facts['peers']} vertailukuntaa."]
    pop = facts["population"]
    if pop:
        line = f"Kaupungin väkiluku muuttui vuosina {pop['first']}–{pop['last']} {fi.signed_percent(pop['change_pct'])}"
        if pop.get("peers_median_pct") is not None:
            line += f" (vertailukuntien mediaani {fi.signed_percent(pop['peers_median_pct'])})"
        text.append(line + ".")
    parts = [
        f"{word} {len(names)} keskeisessä tunnusluvussa ({_names(names)})"
        for word, names in (("suurempi", facts["above"]), ("pienempi", facts["below"]), ("sama", facts["same"]))
        if names
    ]
    if parts:
        text.append(f"Kaupungin arvo on vertailukuntien mediaaniin verrattuna {_joined(parts)}.")
    rate = facts["unemployment"]
    if rate:
        line = f"Työttömien työnhakijoiden osuus työvoimasta oli {fi.percent(rate['rate'])} vuonna {rate['year']}"
        if rate.get("median") is not None:
            line += f" (vertailukuntien mediaani {fi.percent(rate['median'])})"
        text.append(line + ".")
    missing = facts["missing"]
    tail = (
        f"Verrata ei voi {len(missing)} tunnuslukua, koska kaupungin luku tai vertailukuntien mediaani puuttuu "
        f"({_names(missing)})."
        if missing
        else "Kaikkia keskeisiä tunnuslukuja voidaan verrata."
    )
    text.append(f"{tail} Havaintoja arviointikertomukseen on {facts['findings']}.")
    return " ".join(text)


def quality_summary_fi(facts: Mapping[str, Any]) -> str:
    """The summary of the quality report as Markdown (``kpi.measures.summary.quality_summary(...).as_dict()``)."""
    period = period_genitive(facts["period_end"])
    text = [
        f"{period[0].upper()}{period[1:]} tiedoille tehtiin {facts['checks']} tarkistusta, joista "
        f"{facts['passed_checks']} oli kunnossa."
    ]
    if facts["hard"]:
        text.append(
            f"Estäviä virheitä on {facts['hard']} (tiedostot {_names(facts['hard_files'])}), joten raportteja ei "
            "tehdä ennen kuin ne on korjattu."
        )
    else:
        text.append("Estäviä virheitä ei ollut, joten tiedot voidaan raportoida.")
    text.append(
        f"Huomautuksia on {facts['soft']}; ne eivät pysäytä raportointia, ja raportit merkitsevät niiden kohteet."
        if facts["soft"]
        else "Huomautuksia ei ole."
    )
    if not facts["readable"]:
        text.append("Esimerkkiarvoja ja puuttuvia arvoja ei voi laskea, koska kaikkia tiedostoja ei voitu lukea.")
        return " ".join(text)
    rows, values = facts["example_values"] or 0, facts["example_indicator_values"]
    text.append(
        f"Esimerkkiarvoiksi merkittyjä rivejä on {rows}; kauden {facts['values']} indikaattoriarvosta {values} on "
        "esimerkkiarvoja, ja ne on merkitty raportteihin."
        if rows
        else f"Esimerkkiarvoja ei ole; kauden indikaattoriarvoja on {facts['values']}."
    )
    if facts["no_data"]:
        text.append(
            f"Puuttuvaksi merkittyjä arvoja on {facts['no_data']}; niiden indikaattoreita ei voi arvioida kaudelta."
        )
    return " ".join(text)
