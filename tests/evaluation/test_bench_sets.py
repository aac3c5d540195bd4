import csv

from conftest import run_cli

from nli.evaluation.bench_sets import markdown, with_earlier_runs

OLD_MACHINE = {"cores": 2, "cpu": "AMD EPYC (model 17, avx512_vnni)", "date": "2026-11-29"}
NEW_MACHINE = {"cores": 2, "cpu": "AMD EPYC (model 1)", "date": "2026-12-05"}


def _run(size, engine, workers, rate, machine=None):
    row = {
        "size": size,
        "engine": engine,
        "workers": workers,
        "sets": size,
        "failed": 0,
        "seconds": round(size / rate, 1),
        "sets_per_s": rate,
        "seconds_to_first_result": 4.0,
        "peak_rss_mb_largest_process": 900.0,
        "load_average": [0.1, 2.0],
    }
    return row | ({"machine": machine} if machine else {})


def test_added_runs_replace_their_configuration_and_keep_the_rest_with_the_machine_that_measured_them():
    # An earlier report, from before rows carried their machine.
    earlier = {
        "machine": OLD_MACHINE,
        "available_sets": 1461,
        "mean_articles_per_set": 9.0,
        "runs": [_run(100, "local", 1, 0.149), _run(100, "local", 2, 0.165), _run(100, "ray", 2, 0.158)],
    }
    new = {
        "machine": NEW_MACHINE,
        "available_sets": 1461,
        "mean_articles_per_set": 9.0,
        "runs": [_run(100, "local", 2, 0.09, NEW_MACHINE), _run(400, "local", 2, 0.088, NEW_MACHINE)],
    }
    merged = with_earlier_runs(new, earlier)
    keys = [(r["size"], r["engine"], r["workers"], r["machine"]["date"]) for r in merged["runs"]]
    # The same configuration on another CPU is another row; on the same CPU it is replaced.
    assert keys == [
        (100, "local", 1, "2026-11-29"),
        (100, "local", 2, "2026-11-29"),
        (100, "local", 2, "2026-12-05"),
        (100, "ray", 2, "2026-11-29"),
        (400, "local", 2, "2026-12-05"),
    ]
    again = with_earlier_runs({**new, "runs": [_run(400, "local", 2, 0.1, NEW_MACHINE)]}, merged)
    assert [r["sets_per_s"] for r in again["runs"] if r["size"] == 400] == [0.1]
    assert len(again["runs"]) == len(merged["runs"])
    text = markdown(merged)
    assert "2026-11-29, AMD EPYC (model 17, avx512_vnni), 2 cores; 2026-12-05, AMD EPYC (model 1), 2 cores." in text
    rows = [line for line in text.splitlines() if line.startswith("| 100 | local | 2 ")]
    assert rows[0].endswith("| 2026-11-29, AMD EPYC (model 17, avx512_vnni) |") and "| 0.165 |" in rows[0]
    assert rows[1].endswith("| 2026-12-05, AMD EPYC (model 1) |") and "| 0.09 |" in rows[1]


def test_a_size_beyond_the_sets_at_hand_is_refused_before_any_run(tmp_path):
    fnc = tmp_path / "fnc-1"
    fnc.mkdir()
    with (fnc / "train_stances.csv").open("w", newline="") as h:
        csv.writer(h).writerows(
            [["Headline", "Body ID", "Stance"], ["A claim", "1", "agree"], ["A claim", "2", "disagree"]]
        )
    with (fnc / "train_bodies.csv").open("w", newline="") as h:
        csv.writer(h).writerows([["Body ID", "articleBody"], ["1", "It happened."], ["2", "It did not happen."]])
    out = tmp_path / "sets.md"
    result = run_cli("bench-sets", "--data-dir", str(tmp_path), "--sizes", "1", "3", "--output", str(out))
    assert result.returncode == 2
    assert "--sizes 3: FNC-1 training data has 1 headlines with two or more related bodies" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
