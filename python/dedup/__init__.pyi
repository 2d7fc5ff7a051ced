"""Type stubs of the ``dedup`` package (see ``dedup/__init__.py``)."""

import os
from typing import Any, Dict, Iterable, List, Optional, Tuple, TypedDict, Union

__version__: str

Item = Union[str, bytes, os.PathLike, Tuple[Any, Union[str, bytes]], Any]
"""A text, bytes decoded like a file, a path, an ``(id, text)`` pair, or a
pyarrow scalar holding one of those."""

Report = Dict[str, Any]
"""The JSON report of ``dedup scan --format json`` as Python objects."""

class DedupError(Exception):
    """A dedup run failed: an index that is missing, incompatible or
    corrupt."""

class AddSummary(TypedDict):
    added: int
    replaced: int
    unchanged: int
    errors: List[Dict[str, Any]]

def scan(
    items: Union[Iterable[Item], os.PathLike],
    ids: Optional[Iterable[Any]] = ...,
    *,
    threshold: Optional[float] = ...,
    shingle_size: Optional[int] = ...,
    num_perm: Optional[int] = ...,
    rewrite: Optional[bool] = ...,
    min_bigram_containment: Optional[float] = ...,
    min_window_containment: Optional[float] = ...,
    threads: Optional[int] = ...,
    text_field: str = ...,
    id_field: str = ...,
) -> Report:
    """Compares every document with every other, like ``dedup scan``;
    returns the report (``report["pairs"]``: the findings)."""

def check(
    new: Union[Iterable[Item], os.PathLike],
    against: Union[Iterable[Item], os.PathLike],
    *,
    threshold: Optional[float] = ...,
    shingle_size: Optional[int] = ...,
    num_perm: Optional[int] = ...,
    rewrite: Optional[bool] = ...,
    min_bigram_containment: Optional[float] = ...,
    min_window_containment: Optional[float] = ...,
    threads: Optional[int] = ...,
    text_field: str = ...,
    id_field: str = ...,
) -> Report:
    """New documents against a collection and each other, like ``dedup
    check NEW --against DIR``."""

def findings(report: Report) -> List[Tuple[str, str, str, float]]:
    """``(a, b, verdict, score)`` of every finding, in report order."""

class Index:
    """A persistent index file, as ``dedup index`` writes it."""

    def __init__(self, path: Union[str, os.PathLike]) -> None: ...
    @classmethod
    def build(
        cls,
        path: Union[str, os.PathLike],
        items: Union[Iterable[Item], os.PathLike] = ...,
        ids: Optional[Iterable[Any]] = ...,
        *,
        overwrite: bool = ...,
        threads: Optional[int] = ...,
        text_field: str = ...,
        id_field: str = ...,
        threshold: Optional[float] = ...,
        shingle_size: Optional[int] = ...,
        num_perm: Optional[int] = ...,
        rewrite: Optional[bool] = ...,
        min_bigram_containment: Optional[float] = ...,
        min_window_containment: Optional[float] = ...,
    ) -> "Index":
        """Creates an index with these parameters and adds ``items``."""
    def add(
        self,
        items: Union[Iterable[Item], os.PathLike],
        ids: Optional[Iterable[Any]] = ...,
        *,
        threads: Optional[int] = ...,
        text_field: str = ...,
        id_field: str = ...,
    ) -> AddSummary:
        """Adds, replaces or skips documents, like ``dedup index add``."""
    def check(
        self,
        items: Union[Iterable[Item], os.PathLike],
        ids: Optional[Iterable[Any]] = ...,
        *,
        threshold: Optional[float] = ...,
        min_bigram_containment: Optional[float] = ...,
        min_window_containment: Optional[float] = ...,
        threads: Optional[int] = ...,
        text_field: str = ...,
        id_field: str = ...,
    ) -> Report:
        """New documents against the index, like ``dedup check --index``."""
    def stats(self) -> Dict[str, Any]:
        """``dedup index stats`` as a dict."""
    @property
    def params(self) -> Dict[str, Any]:
        """The parameters the index stores."""
    @property
    def path(self) -> str:
        """The index file."""
    def __len__(self) -> int: ...
