"""Hidden tests for book/em_at_scale.md (EM at scale, and beyond).

The one-step weights come from an E-step written here with SciPy's normal
density, not from mlecourse."""

import math

import numpy as np
from scipy import stats

from mlecourse.coursework.hidden import (
    expect_array_close,
    expect_choice,
    expect_equal,
    hidden_test,
)

CHAPTER = "em_at_scale"


def _segments(n, seed):
    rng = np.random.default_rng(seed)
    z = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    centres = np.array([[0.0, 0.0], [4.0, 1.0], [1.0, 5.0]])
    return centres[z] + rng.normal(size=(n, 2)) * np.array([1.0, 0.7])


_X = _segments(20_000, 1)
_W0 = np.array([0.4, 0.3, 0.3])
_M0 = np.array([[0.5, 0.5], [3.0, 1.5], [1.5, 4.0]])
_LOGD = np.column_stack([np.log(w) + stats.multivariate_normal(m, np.eye(2)).logpdf(_X)
                         for w, m in zip(_W0, _M0)])
_R = np.exp(_LOGD - _LOGD.max(axis=1, keepdims=True))
_R /= _R.sum(axis=1, keepdims=True)
W_NEW = _R.mean(axis=0)

# 1 / (2 + 1.5 t) < 1e-6, first whole t
T_NEEDED = next(t for t in range(666_000, 667_000) if 1.0 / (2.0 + 1.5 * t) < 1e-6)


@hidden_test("ex-em_at_scale-reduce", points=1, variables=["n_numbers"])
def reduce_count(n_numbers):
    expect_equal(n_numbers, 5 * (1 + 10 + 100) + 1, name="n_numbers")


@hidden_test("ex-em_at_scale-merge", points=1, variables=["w_new"])
def merged_weights(w_new):
    expect_array_close(w_new, W_NEW, name="w_new")


@hidden_test("ex-em_at_scale-boundary", points=1, variables=["t_needed"])
def boundary(t_needed):
    expect_equal(t_needed, T_NEEDED, name="t_needed")
    assert math.isfinite(T_NEEDED)


@hidden_test("ex-em_at_scale-kappa", points=1, variables=["choice"])
def kappa(choice):
    expect_choice(choice, "b", "abcd", name="choice")
