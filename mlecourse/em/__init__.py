"""The EM algorithm: a generic driver and the models built on it.

* :func:`em` -- the driver: alternate a model's E-step and M-step, record the
  observed-data log-likelihood, stop when it settles, and check that it never
  decreases.
* :func:`gmm_em`, :func:`semisupervised_gmm_em` -- Gaussian mixtures.
* :func:`mvn_missing_em` -- the multivariate normal with values missing at random.
* :func:`mixture_information` -- Louis's standard errors and the rate matrix for a 1-D mixture.
* :func:`linkage_em` -- the genetic-linkage example of Dempster, Laird and Rubin (1977).
* :func:`squarem` -- SQUAREM acceleration of any EM map (Varadhan and Roland, 2008).
* :func:`online_gmm_em` -- online (stepwise) EM over mini-batches (Cappé and Moulines, 2009).

:func:`gmm_em` also takes a ``dask.array.Array`` chunked along rows: each iteration is
then one Dask computation of per-chunk sufficient statistics (``mlecourse.em._dask``).
"""

from ._driver import ConvergenceWarning, EMResult, em
from .accel import AccelResult, squarem
from .gmm import DegenerateComponentWarning, GMMResult, gmm_em, semisupervised_gmm_em
from .information import MixtureInformation, mixture_information
from .linkage import LinkageResult, linkage_em
from .missing import MissingEMResult, mvn_missing_em
from .online import OnlineEMResult, online_gmm_em

__all__ = [
    "AccelResult",
    "ConvergenceWarning",
    "DegenerateComponentWarning",
    "EMResult",
    "GMMResult",
    "LinkageResult",
    "MissingEMResult",
    "MixtureInformation",
    "OnlineEMResult",
    "em",
    "gmm_em",
    "linkage_em",
    "mixture_information",
    "mvn_missing_em",
    "online_gmm_em",
    "semisupervised_gmm_em",
    "squarem",
]
