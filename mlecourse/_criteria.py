"""AIC and BIC, shared by every result type that has a maximised log-likelihood."""

from __future__ import annotations

import math


class InformationCriteria:
    """Mixin: ``aic`` and ``bic`` from ``loglik``, ``k`` (free parameters) and ``n``."""

    @property
    def aic(self) -> float:
        """Akaike information criterion, ``2 k - 2 loglik``."""
        return 2 * self.k - 2 * self.loglik

    @property
    def bic(self) -> float:
        """Bayesian information criterion, ``k log(n) - 2 loglik``."""
        if self.n is None:
            raise ValueError("BIC needs the number of observations: pass n= to fit_numeric.")
        return self.k * math.log(self.n) - 2 * self.loglik
