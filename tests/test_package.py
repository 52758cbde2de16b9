"""Package-level promises: a light import and a stable public API."""

import subprocess
import sys

import mlecourse


def test_import_loads_only_numpy():
    """Not even SciPy: it loads when a function first needs it."""
    code = ("import sys, mlecourse; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'pandas', 'sklearn', 'scipy') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_api_names():
    for name in ["fit", "fit_numeric", "FitResult", "loglik", "check", "gmm_em", "GMMResult",
                 "datasets", "DegenerateSampleError", "BoundaryWarning"]:
        assert hasattr(mlecourse, name), name
    assert mlecourse.gmm_em is mlecourse.em.gmm_em
    assert callable(mlecourse.datasets.load_faithful)


def test_unknown_attribute():
    try:
        _ = mlecourse.no_such_thing
    except AttributeError as exc:
        assert "no attribute 'no_such_thing'" in str(exc)
    else:
        raise AssertionError("expected AttributeError")
