"""The EM algorithm: a generic driver and the models built on it.

* :func:`em` -- the driver: alternate a model's E-step and M-step, record the
  observed-data log-likelihood, stop when it settles, and check that it never
  decreases.
* :func:`gmm_em`, :func:`semisupervised_gmm_em` -- Gaussian mixtures.
* :func:`mvn_missing_em` -- the multivariate normal with values missing at random.
* :func:`mixture_information` -- Louis's standard errors and the rate matrix for a 1-D mixture.
* :func:`linkage_em` -- the genetic-linkage example of Dempster, Laird and Rubin (1977).
"""

from ._driver import ConvergenceWarning, EMResult, em
from .gmm import DegenerateComponentWarning, GMMResult, gmm_em, semisupervised_gmm_em
from .information import MixtureInformation, mixture_information
from .linkage import LinkageResult, linkage_em
from .missing import MissingEMResult, mvn_missing_em

__all__ = [
    "ConvergenceWarning",
    "DegenerateComponentWarning",
    "EMResult",
    "GMMResult",
    "LinkageResult",
    "MissingEMResult",
    "MixtureInformation",
    "em",
    "gmm_em",
    "linkage_em",
    "mixture_information",
    "mvn_missing_em",
    "semisupervised_gmm_em",
]
