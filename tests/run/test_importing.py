"""`kpi import`: every real open-data file merges into vertailu.csv; a broken copy changes nothing (exit 3)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from kpi.cli import main
from kpi.inputs.comparison import COMPARISON_FILE, merge, read_comparison, write_comparison
from kpi.paths import DATA_RAW
from tests.inputs.open_data.conftest import OPEN  # the shared folder, or the committed copies

KEY_FIGURES = "statfin-kuntien-avainluvut-2021.csv"
SOTKANET = "sotkanet-127-vakiluku-2000-2022.csv"
TYONV = "statfin-tyonv-1001-kunnat-2006-2020.csv"
JSONSTAT = "statfin-vaerak-11rc-jsonstat2.json"
QUERY = "statfin-vaerak-11rc-query.json"
CLASSIFICATION = "statfin-kuntaluokitus-2025.csv"


@pytest.fixture()
def data_dir(tmp_path) -> Path:
    """A data folder with the project's classification (the 2025 file with Pertunmaa added) and no vertailu.csv."""
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(DATA_RAW / "kuntaluokitus.csv", folder / "kuntaluokitus.csv")
    return folder


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(["import", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("name", [KEY_FIGURES, SOTKANET, TYONV, JSONSTAT, QUERY, CLASSIFICATION])
def test_every_open_file_imports_and_a_second_import_changes_nothing(capsys, data_dir, name):
    code, out, err = run(capsys, OPEN / name, "--data-dir", data_dir)
    assert code == 0, err
    target = data_dir / COMPARISON_FILE
    if name == QUERY:  # a query holds no data
        assert "a PxWeb query" in out and not target.exists()
        return
    if name == CLASSIFICATION:  # replaces the data folder's classification
        assert "Classification installed" in out and not target.exists()
        assert (data_dir / "kuntaluokitus.csv").read_bytes() == (OPEN / name).read_bytes()
        return
    before = target.read_bytes()
    assert "Written:" in out and " added " in out
    code, out, err = run(capsys, OPEN / name, "--data-dir", data_dir)
    assert code == 0 and "Nothing changed" in out and target.read_bytes() == before


def test_the_real_figures_arrive(capsys, data_dir):
    assert run(capsys, OPEN / KEY_FIGURES, OPEN / SOTKANET, "--data-dir", data_dir)[0] == 0
    table = read_comparison(data_dir).set_index(["municipality_code", "indicator", "period"]).value
    assert table[("320", "vakiluku", "2021")] == 7105 and table[("320", "vakiluku", "2022")] == 6996
    assert table[("SSS", "vakiluku", "2021")] == 5548241
    assert table[("588", "vakiluku", "2021")] == 1644  # Pertunmaa, added to the classification
    assert ("320", "vuosikate_euroa_asukas", "2020") in table.index


def test_only_the_comparison_municipalities(capsys, data_dir):
    code, out, _ = run(capsys, OPEN / TYONV, "--data-dir", data_dir, "--only-comparison")
    assert code == 0 and "rows of other municipalities left out" in out
    assert "Honkajoki (liitetty 2021 kuntaan Kankaanpää): 534 rows left out" in out
    table = read_comparison(data_dir)
    assert set(table.municipality_code) == {"320", "240", "851", "305", "758", "732", "614", "583", "698"}


def test_dry_run_writes_nothing(capsys, data_dir):
    code, out, _ = run(capsys, OPEN / KEY_FIGURES, "--data-dir", data_dir, "--dry-run")
    assert code == 0 and "Dry run: nothing was written." in out and "9920" in out
    assert not (data_dir / COMPARISON_FILE).exists()


def corrupt(tmp_path: Path, kind: str) -> Path:
    if kind == "truncated json":
        path = tmp_path / JSONSTAT
        path.write_text((OPEN / JSONSTAT).read_text(encoding="utf-8")[:2000], encoding="utf-8")
    elif kind == "value list one short":
        doc = json.loads((OPEN / JSONSTAT).read_text(encoding="utf-8"))
        doc["value"] = doc["value"][:-1]
        path = tmp_path / JSONSTAT
        path.write_text(json.dumps(doc), encoding="utf-8")
    else:
        text = (OPEN / KEY_FIGURES).read_text(encoding="latin-1")
        line = text[text.index('"Kemijärvi"') :].split("\n", 1)[0]
        new = (
            line.replace('"Kemijärvi"', '"Kemijärvii"')
            if kind == "unknown municipality"
            else line.replace(",7105,", ",n/a,")
        )
        path = tmp_path / KEY_FIGURES
        path.write_text(text.replace(line, new), encoding="latin-1")
    return path


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("truncated json", ["unreadable JSON", "cut short"]),
        ("value list one short", ["89 values, size [3, 3, 10, 1] makes 90", "nothing was imported"]),
        ("unknown municipality", ["'Kemijärvii' (row 89)", "not in the classification"]),
        ("text in a number column", ["row 89, column 'Population, 2021': 'n/a' (not a number)"]),
    ],
)
def test_a_broken_copy_exits_3_and_changes_nothing(capsys, data_dir, tmp_path, kind, words):
    assert run(capsys, OPEN / SOTKANET, "--data-dir", data_dir)[0] == 0
    before = {p.name: p.read_bytes() for p in data_dir.iterdir()}
    code, out, err = run(capsys, corrupt(tmp_path, kind), "--data-dir", data_dir)
    assert code == 3 and "Traceback" not in err
    for word in words:
        assert word in err, err
    assert {p.name: p.read_bytes() for p in data_dir.iterdir()} == before


def test_texts_that_look_like_formulas_stay_texts(tmp_path):
    row = {
        "municipality_code": "320",
        "municipality": '=HYPERLINK("http://x")',
        "indicator": "vakiluku",
        "indicator_name": "+SUM(A1)",
        "period": "2021",
        "value": 7105.0,
        "unit": "-",
        "source": "@source",
        "table_id": "t",
        "retrieved": "2026-11-30",
    }
    write_comparison(tmp_path, pd.DataFrame([row]))
    text = (tmp_path / COMPARISON_FILE).read_text(encoding="utf-8-sig")
    assert "\"'=HYPERLINK" in text and ";'+SUM(A1);" in text and ";'@source;" in text and ";'-;" in text
    back = read_comparison(tmp_path).iloc[0]
    assert back.municipality == row["municipality"] and back.indicator_name == "+SUM(A1)" and back.unit == "-"


def test_merge_counts_added_changed_and_unchanged():
    base = {
        "municipality": "Kemijärvi",
        "indicator_name": "Väkiluku",
        "unit": "henkilöä",
        "source": "a",
        "table_id": "t",
        "retrieved": "2026-01-01",
    }
    old = pd.DataFrame(
        [
            {**base, "municipality_code": "320", "indicator": "vakiluku", "period": "2020", "value": 7191.0},
            {**base, "municipality_code": "320", "indicator": "vakiluku", "period": "2021", "value": 7100.0},
        ]
    )
    new = pd.DataFrame(
        [
            {
                **base,
                "municipality_code": "320",
                "indicator": "vakiluku",
                "period": "2020",
                "value": 7191.0,
                "source": "b",
            },
            {**base, "municipality_code": "320", "indicator": "vakiluku", "period": "2021", "value": 7105.0},
            {**base, "municipality_code": "320", "indicator": "vakiluku", "period": "2022", "value": 6996.0},
        ]
    )
    result = merge(old, new)
    assert result.counts == {"vakiluku": {"added": 1, "changed": 1, "unchanged": 1}}
    by_period = result.table.set_index("period")
    assert by_period.value.to_dict() == {"2020": 7191.0, "2021": 7105.0, "2022": 6996.0}
    assert by_period.source["2020"] == "a"  # the same value from another source leaves the row as it was


def test_fetch_downloads_then_imports(capsys, data_dir):
    """`kpi fetch` against a local server answering with recorded responses: saved with sidecars, then imported."""
    import threading

    from tests.run.test_fetch import FIXTURES, RecordedServer, Reply  # the recorded server of the fetch tests

    server = RecordedServer()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        server.route("/vaerak/statfin_vaerak_pxt_11ra.px", Reply(200, (FIXTURES / JSONSTAT).read_bytes()))
        server.route("/sotkanet/regions", Reply(200, (FIXTURES / "sotkanet-regions.json").read_bytes()))
        server.route("/sotkanet/json", Reply(200, (FIXTURES / "sotkanet-127.json").read_bytes()))
        code = main(
            [
                "fetch",
                "--data-dir",
                str(data_dir),
                "--set",
                f"comparison.fetch.statfin_url={server.url}",
                "--set",
                f"comparison.fetch.sotkanet_url={server.url}/sotkanet",
            ]
        )
    finally:
        server.shutdown()
        server.server_close()
    out = capsys.readouterr()
    assert code == 0, out.err
    saved = sorted(p.name for p in (data_dir / "avoin").iterdir())
    assert "statfin_vaesto_11ra.json" in saved and "statfin_vaesto_11ra.meta.json" in saved
    assert "sotkanet_127.json" in saved and "sotkanet_regions.json" in saved
    table = read_comparison(data_dir).set_index(["municipality_code", "indicator", "period"]).value
    assert table[("320", "vakiluku", "2022")] == 6996  # the real value, through Sotkanet's region ids
    assert "Written:" in out.out


def test_the_gate_trusts_an_import_only_while_nothing_changed(capsys, data_dir):
    """kpi import records what it checked; the gate checks vertailu.csv again once it or the classification changes."""
    import datetime as dt

    from kpi.inputs.gate import run_gate

    assert run(capsys, OPEN / SOTKANET, "--data-dir", data_dir)[0] == 0
    for name in (
        "strategia.yaml",
        *(p.name for p in DATA_RAW.glob("*.csv")),
        *(p.name for p in DATA_RAW.glob("*.xlsx")),
    ):
        if name not in ("vertailu.csv", "kuntaluokitus.csv"):
            shutil.copy(DATA_RAW / name, data_dir / name)
    period = dt.date(2022, 12, 31)
    ids = {f.check.id for f in run_gate(data_dir, period).findings if f.check.file == COMPARISON_FILE}
    assert ids == {"vertailu.checked_at_import"}
    # a hand edit: a municipality that does not exist
    target = data_dir / COMPARISON_FILE
    target.write_bytes(target.read_bytes() + "999;Tuntematon;vakiluku;Väkiluku;2022;5;;x;x;2026-11-30\r\n".encode())
    result = run_gate(data_dir, period)
    failed = [f.message() for f in result.hard_failures]
    assert not result.passed and any("999 Tuntematon" in m and "vertailu.csv" in m for m in failed), failed
