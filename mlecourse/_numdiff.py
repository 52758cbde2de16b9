"""Central finite differences for gradients and Hessians of smooth functions."""

from __future__ import annotations

import numpy as np


def gradient(f, z: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Central-difference gradient of scalar ``f`` at ``z`` with per-coordinate ``steps``."""
    z = np.asarray(z, dtype=float)
    g = np.empty_like(z)
    for i in range(z.size):
        e = np.zeros_like(z)
        e[i] = steps[i]
        g[i] = (f(z + e) - f(z - e)) / (2 * steps[i])
    return g


def hessian(f, z: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Central-difference Hessian of scalar ``f`` at ``z`` (symmetric by construction)."""
    z = np.asarray(z, dtype=float)
    k = z.size
    h = np.empty((k, k))
    f0 = f(z)
    for i in range(k):
        ei = np.zeros(k)
        ei[i] = steps[i]
        h[i, i] = (f(z + ei) - 2 * f0 + f(z - ei)) / steps[i] ** 2
        for j in range(i):
            ej = np.zeros(k)
            ej[j] = steps[j]
            h[i, j] = h[j, i] = (
                f(z + ei + ej) - f(z + ei - ej) - f(z - ei + ej) + f(z - ei - ej)
            ) / (4 * steps[i] * steps[j])
    return h
