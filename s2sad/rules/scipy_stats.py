"""scipy.stats distributions (when scipy is installed): each method a closed form in
primitives that have rules, differentiated through its source (``defthrough``), in the
data and in the parameters (``loc``, ``scale``, shape parameters)."""
from __future__ import annotations

import numpy as np

from s2sad.rules.registry import defthrough

try:
    import scipy.special as sp
    import scipy.stats as st
except ImportError:  # scipy is optional
    st = None


def norm_logpdf(x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    return -0.5 * z * z - np.log(scale) - 0.5 * np.log(2 * np.pi)


def norm_cdf(x, loc=0.0, scale=1.0):
    return sp.ndtr((x - loc) / scale)


if st is not None:
    defthrough(st.norm.logpdf, norm_logpdf)
    defthrough(st.norm.cdf, norm_cdf)
