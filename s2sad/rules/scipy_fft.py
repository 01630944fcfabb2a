"""``scipy.fft.dct`` and ``idct`` (registered once the user has imported scipy.fft):
linear maps whose transposes are cosine transforms again (``runtime/cosine.py``); the
forward rule is the transform of the tangent.  The transpose and the transform as
``dct_apply`` carry rules of their own, each the other's transpose, so every order
works."""
from __future__ import annotations

import scipy.fft as fft

from s2sad.rules.registry import deflinear
from s2sad.runtime import cosine

SIG = "x, type=2, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, " \
      "orthogonalize=None"
HELPER = "x, type=2, n=None, axis=-1, norm=None, orthogonalize=None, inverse=False"

deflinear(fft.dct, SIG, "dct_transpose(g, type, n, axis, norm, orthogonalize, False)")
deflinear(fft.idct, SIG, "dct_transpose(g, type, n, axis, norm, orthogonalize, True)")
deflinear(cosine.dct_apply, HELPER,
          "dct_transpose(g, type, n, axis, norm, orthogonalize, inverse)")
deflinear(cosine.dct_transpose, HELPER,
          "dct_apply(g, type, n, axis, norm, orthogonalize, inverse)")
