"""Rule rows (see rule_rows.py) of s2sad/rules/numpy_extra.py's templates: np.partition,
the running extrema np.maximum/minimum.accumulate, np.convolve and np.correlate.  (Its
closed forms, differentiated through their source, are tested in test_numpy_extra.py.)"""
from __future__ import annotations

import numpy as np

from rule_rows import G, H, N, P, R, U, binary, spd, unary, well  # noqa: F401

R(np.partition, N(7), 3); R(np.partition, N(3, 5), [1, 3], axis=1)  # noqa: E702
R(np.partition, N(4, 3), 2, axis=0); R(np.partition, N(3, 4), 5, axis=None)  # noqa: E702
for _f in (np.maximum.accumulate, np.minimum.accumulate):
    R(_f, N(6)); R(_f, N(3, 4), axis=1); R(_f, N(3, 4), 0)  # noqa: E702
    R(_f, np.array([0.5, 2.0, 1.0, 2.5, -1.0, 3.0]))
for _f in (np.convolve, np.correlate):
    for _m, _n in [(5, 3), (3, 5), (4, 4), (6, 1), (2, 7)]:
        for _mode in ("full", "same", "valid"):
            R(_f, N(_m), N(_n), _mode)
    R(_f, N(5), N(3))
# np.angle of real values (flat), np.real_if_close, np.rollaxis (complex: test_complex.py)
R(np.angle, N(4)); R(np.angle, N(2, 3), True)  # noqa: E702
R(np.real_if_close, N(5)); R(np.rollaxis, N(2, 3, 4), 2); R(np.rollaxis, N(2, 3, 4), 0, 3)  # noqa: E702
R(np.rollaxis, N(2, 3, 4), -1, 1)
# np.unwrap: multiples of the period added, a step function (the slope of the identity)
R(np.unwrap, N(6)); R(np.unwrap, N(2, 5), axis=0); R(np.unwrap, N(5), period=1.5)  # noqa: E702
R(np.lib.stride_tricks.sliding_window_view, N(6), 3)
R(np.lib.stride_tricks.sliding_window_view, N(4, 5), (2, 3))
R(np.lib.stride_tricks.sliding_window_view, N(4, 5), 2, 1)
