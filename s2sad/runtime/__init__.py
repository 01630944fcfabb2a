"""What generated code calls at run time.  Imports numpy only, never the
compiler, so a module written by ``s2sad transform`` runs without s2sad
transforming anything at import time.

``HELPERS`` maps the names generated code uses to these functions.
"""
from __future__ import annotations

from s2sad.runtime import (
    arrays,
    casts,
    containers,
    contract,
    core,
    cosine,
    cumulative,
    draws,
    extrema,
    factors,
    flat_gathers,
    gathers,
    implicit,
    integrate,
    integrate_ivp,
    integrate_quad,
    item_adds,
    linalg,
    norms,
    numeric,
    polynomials,
    reductions,
    running,
    sequences,
    shifts,
    signal,
    sorts,
    spectral,
    triangular,
    writes,
)
from s2sad.runtime.arrays import *  # noqa: F403
from s2sad.runtime.casts import *  # noqa: F403
from s2sad.runtime.containers import *  # noqa: F403
from s2sad.runtime.contract import *  # noqa: F403
from s2sad.runtime.core import *  # noqa: F403  (the names generated code uses)
from s2sad.runtime.cosine import *  # noqa: F403
from s2sad.runtime.cumulative import *  # noqa: F403
from s2sad.runtime.draws import *  # noqa: F403
from s2sad.runtime.extrema import *  # noqa: F403
from s2sad.runtime.factors import *  # noqa: F403
from s2sad.runtime.flat_gathers import *  # noqa: F403
from s2sad.runtime.gathers import *  # noqa: F403
from s2sad.runtime.implicit import *  # noqa: F403
from s2sad.runtime.integrate import *  # noqa: F403
from s2sad.runtime.integrate_ivp import *  # noqa: F403
from s2sad.runtime.integrate_quad import *  # noqa: F403
from s2sad.runtime.item_adds import *  # noqa: F403
from s2sad.runtime.linalg import *  # noqa: F403
from s2sad.runtime.norms import *  # noqa: F403
from s2sad.runtime.numeric import *  # noqa: F403
from s2sad.runtime.polynomials import *  # noqa: F403
from s2sad.runtime.reductions import *  # noqa: F403
from s2sad.runtime.running import *  # noqa: F403
from s2sad.runtime.sequences import *  # noqa: F403
from s2sad.runtime.shifts import *  # noqa: F403
from s2sad.runtime.signal import *  # noqa: F403
from s2sad.runtime.sorts import *  # noqa: F403
from s2sad.runtime.spectral import *  # noqa: F403
from s2sad.runtime.triangular import *  # noqa: F403
from s2sad.runtime.writes import *  # noqa: F403

HELPERS = {name: getattr(mod, name)
           for mod in (core, writes, casts, gathers, containers, numeric, reductions, arrays,
                       contract, linalg, triangular, factors, sequences, signal, cosine,
                       integrate, integrate_ivp, integrate_quad, implicit, draws, flat_gathers,
                       sorts, running, polynomials, spectral, norms, cumulative, extrema, shifts,
                       item_adds)
           for name in mod.__all__}
