"""How a :class:`s2sad.api.Derivative` shows itself: its generated source (``.source``,
``inspect.getsource``), the function it runs (``__wrapped__``), its repr, and the
highlighted source a notebook displays."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from s2sad.errors import DifferentiationError


class Shown:
    """Mixed into ``Derivative``, which gives the last variant run and how to make one."""

    kind: str
    fn: Any
    wrt: Any
    _last: Any
    if TYPE_CHECKING:
        def generated(self) -> Any: ...

    @property
    def source(self) -> str:
        return (self._last or self.generated()).source

    @property
    def __wrapped__(self) -> Callable:
        return (self._last or self.generated()).fn

    def __repr__(self) -> str:
        return f"<s2sad {self.kind} of {getattr(self.fn, '__name__', '?')} wrt {self.wrt}>"

    def _repr_html_(self) -> str:
        """A notebook shows the generated source (highlighted when pygments is there)."""
        import html
        try:
            text = self.source
        except DifferentiationError as refused:
            return f"<pre>{html.escape(str(refused))}</pre>"
        try:
            from pygments import highlight
            from pygments.formatters import HtmlFormatter
            from pygments.lexers import PythonLexer
        except ImportError:
            return f"<pre>{html.escape(text)}</pre>"
        return highlight(text, PythonLexer(), HtmlFormatter(noclasses=True))

