"""Figures for the chapters (matplotlib, imported only when this module is used).

Every function draws on an ``ax`` it is given (or a new one) and returns the
axes, so chapters compose figures and tests can inspect what was drawn. No
numerical work lives here: the numbers come from the rest of the package.
"""

# Each submodule adds its names here, one line per submodule.
from .diagnostics import *  # noqa: F401,F403
from .likelihood import *  # noqa: F401,F403
from .mixtures import *  # noqa: F401,F403
from .sampling import *  # noqa: F401,F403
