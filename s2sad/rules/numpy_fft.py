"""``numpy.fft``: the complex transforms (``fft``, ``ifft``, ``fft2``, ``ifft2``,
``fftn``, ``ifftn``), the real ones (``rfft``, ``irfft``, ``rfft2``, ``irfft2``,
``rfftn``, ``irfftn``) and ``fftshift`` / ``ifftshift``, with ``n`` / ``s``,
``axis`` / ``axes`` and every ``norm``.

Every one of them is linear, so the forward rule is the function applied to
the tangent, and the reverse rule is the transposed map (JAX's convention:
the transpose, not the conjugate transpose).  The DFT matrix is symmetric,
so the transpose of ``fft(a, n, axis, norm)`` is ``fft`` of ``g`` with the
same ``norm``, followed by the transpose of the cropping or zero-padding
that ``n`` applied to ``a``: the adjoint is cropped back where ``a`` was
padded and zero-padded back where ``a`` was cropped (``unpad`` then
``np.pad``).  ``ifft`` and the n-dimensional transforms likewise.

``rfft`` keeps the first ``n // 2 + 1`` bins of the (padded) transform of a
real signal: its adjoint is the real part of the ``fft`` of ``g`` padded
with zeros to ``n`` bins, computed as ``irfft`` of ``conj(g)`` with the bins
it counts twice halved (``rfft_adjoint``: half the work of the complex ``fft``;
its own adjoint is ``rfft`` again).  ``irfft`` reads the half spectrum as a Hermitian one: bin
``k`` stands for bins ``k`` and ``n - k``, the imaginary parts of bin 0 and
(``n`` even) bin ``n / 2`` are ignored; its adjoint is ``ifft(g)`` weighted
1 at those bins, 2 between, 0 above ``n / 2``, then cropped or padded to the
length of ``a``.  A real argument's adjoint is the real part (the compiler
takes it), a complex argument's is complex: for a real loss of
``z = x + iy`` it is ``dL/dx - i dL/dy``.  ``fftshift`` and ``ifftshift``
are permutations, each other's transposes.  ``out=`` is not accepted; ``s`` and
``axes`` are given as tuples or lists (the templates test them with ``or``).
"""
from __future__ import annotations

import numpy as np

from s2sad import runtime as rt
from s2sad.rules.facts import defshape
from s2sad.rules.registry import deflinear


def _resize(expr: str, x: str, shape: str) -> str:
    """``expr`` (an array of shape ``shape``) cropped and zero-padded to ``x``'s shape:
    the transpose of the cropping / zero-padding that ``n`` or ``s`` apply to ``x``."""
    crop = f"np.outer(np.maximum(np.subtract({shape}, np.shape({x})), 0), (0, 1))"
    pad = f"np.outer(np.maximum(np.subtract(np.shape({x}), {shape}), 0), (0, 1))"
    return f"np.pad(unpad({expr}, {x}, {crop}), {pad})"


def _with_length(shape: str, axis: str, length: str) -> str:
    """``shape`` with the entry at ``axis`` replaced by ``length``."""
    return (f"np.where(np.equal(np.arange(np.size({shape})), {axis} % np.size({shape})), "
            f"{length}, {shape})")


def _hermitian_weights(expr: str, axis: str) -> str:
    """``expr`` times the weights of the bins of ``irfft`` along ``axis`` (length L):
    1 at bin 0 and at L / 2, 2 between, 0 above L / 2 (bins ``irfft`` does not read)."""
    k = f"np.arange(np.shape(g)[{axis}])"
    weights = f"np.minimum(np.clip(np.shape(g)[{axis}] + 1 - 2 * {k}, 0, 2), {k} + 1)"
    return f"np.moveaxis(np.moveaxis({expr}, {axis}, -1) * {weights}, -1, {axis})"


ONE = "a, n=None, axis=-1, norm=None"
TWO = "a, s=None, axes=(-2, -1), norm=None"
ND = "a, s=None, axes=None, norm=None"

# ----- complex transforms: the same transform of g, then the transpose of n's resizing -----
deflinear(np.fft.fft, ONE, _resize("np.fft.fft(g, n, axis, norm)", "a", "np.shape(g)"))
deflinear(np.fft.ifft, ONE, _resize("np.fft.ifft(g, n, axis, norm)", "a", "np.shape(g)"))
for _f, _t, _sig in [(np.fft.fft2, "fft2", TWO), (np.fft.ifft2, "ifft2", TWO),
                     (np.fft.fftn, "fftn", ND), (np.fft.ifftn, "ifftn", ND)]:
    deflinear(_f, _sig, _resize(f"np.fft.{_t}(g, s, axes, norm)", "a", "np.shape(g)"))

# ----- rfft: the real part of the fft of g padded to the (padded) signal's length -----
# (``n or ...`` rather than ``... if n is None``: ``n`` may be rendered as a literal, and
# ``5 is None`` is a SyntaxWarning in the generated code)
_N = "(n or np.shape(a)[axis])"
deflinear(np.fft.rfft, ONE, "rfft_adjoint(g, a, n, axis, norm)")  # (by irfft: half the work)
deflinear(rt.rfft_adjoint, "t, a, n=None, axis=-1, norm=None", "np.fft.rfft(g, n, axis, norm)",
          None)
# n-d: the axes transformed (all, or the last len(s) when s is given without axes), the
# lengths of the padded signal along them, and the half-spectrum axis (the last one)
_AXES = "(axes or range(-len(s or np.shape(a)), 0))"
_S = f"(s or np.take(np.shape(a), {_AXES}))"
_LAST = "(axes or (-1,))[-1]"
_RFFTN = _resize(f"np.real(np.fft.fftn(g, {_S}, {_AXES}, norm))", "a",
                 _with_length("np.shape(g)", _LAST, f"{_S}[-1]"))
deflinear(np.fft.rfft2, TWO, _RFFTN)
deflinear(np.fft.rfftn, ND, _RFFTN)

# ----- irfft: ifft of g, weighted for the bins read twice, once, or not -----
deflinear(np.fft.irfft, ONE,
          _resize(_hermitian_weights("np.fft.ifft(g, n, axis, norm)", "axis"), "a", "np.shape(g)"))
_IRFFTN = _resize(_hermitian_weights(f"np.fft.ifftn(g, s, {_AXES}, norm)", _LAST), "a",
                  "np.shape(g)")
deflinear(np.fft.irfft2, TWO, _IRFFTN)
deflinear(np.fft.irfftn, ND, _IRFFTN)

# ----- shifts: permutations, each other's inverse -----
deflinear(np.fft.fftshift, "x, axes=None", "np.fft.ifftshift(g, axes)")
deflinear(np.fft.ifftshift, "x, axes=None", "np.fft.fftshift(g, axes)")

# the transforms' result lengths follow from the input's and the constant n / s / axes
defshape(tuple(getattr(np.fft, name) for name in (
    "fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn",
    "rfftn", "irfftn", "hfft", "ihfft", "fftshift", "ifftshift")
    if hasattr(np.fft, name)), "probe")
