"""``np.histogram`` differentiated through a closed form.  Which bin an element falls in
is a step function of it (no gradient, as for JAX); what does move smoothly is kept:
the edges of ``bins=n`` equal bins, ``linspace(min(a), max(a), n + 1)`` (or of
``range``), the counts in the ``weights`` (linear), and a ``density``'s division by the
total and the widths.  Bins given as a string (``"auto"``: edges estimated from the
data) are refused when the derivative runs."""
from __future__ import annotations

import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defnondiff, defthrough
from s2sad.runtime import histogram_counts, histogram_members


def histogram(a, bins=10, range=None, density=None, weights=None):
    edges = histogram_edges(a, bins, range)
    if weights is None and not density:
        return histogram_counts(a, edges), edges
    member = histogram_members(a, edges)
    if weights is None:
        counts = np.sum(member, axis=0)
    else:
        counts = np.ravel(weights) @ member
    if density:
        counts = counts / np.sum(counts) / np.diff(edges)
    return counts, edges


def histogram_edges(a, bins, range):
    if isinstance(bins, str):
        return estimated_bins_refused(bins)
    if not isinstance(bins, int):
        return np.asarray(bins) * 1.0
    if range is None:
        lo = np.min(a) * 1.0
        hi = np.max(a) * 1.0
    else:
        lo = range[0] * 1.0
        hi = range[1] * 1.0
    if lo == hi:
        lo = lo - 0.5
        hi = hi + 0.5
    return np.linspace(lo, hi, bins + 1)


def estimated_bins_refused(bins):
    raise DifferentiationError(
        f"np.histogram with bins={bins!r}: edges estimated from the data have no derivative "
        "here; pass the number of bins, or the edges")


defnondiff(histogram_counts, histogram_members, estimated_bins_refused)
defthrough(np.histogram, histogram)
