"""Near-duplicate, rewrite and paraphrase detection with source provenance.

The Python face of the ``dedup`` command line, running the same library in
process::

    import dedup
    report = dedup.scan(["first text ...", "second text ..."])
    for finding in report["pairs"]:
        print(finding["verdict"], finding["a"], finding["b"], finding["score"])

Every function returns the report as plain Python objects (dicts, lists,
str, int, float, bool, None) in the schema of ``dedup scan --format json``
(``docs/report-schema.md``): ``version``, ``tool``, ``params``, ``summary``,
``documents``, ``pairs`` (the findings), ``clusters``, ``errors``, ``stats``.

Inputs are any iterable, read one item at a time (a generator, a pandas
``Series``, a pyarrow ``Array``/``ChunkedArray``, a list). An item is

- a ``str``: a text; its id is its position (``"0"``, ``"1"``, ...) unless
  ``ids=`` names it;
- ``bytes``: a text decoded like a file (UTF-8, UTF-16 with BOM, else
  Windows-1252 with a warning);
- an ``os.PathLike`` (``pathlib.Path``): a file or directory, read exactly as
  ``dedup scan PATH`` reads it (ids are paths relative to the directory);
- an ``(id, text)`` tuple;
- a pyarrow scalar (anything with ``as_py()``) holding one of those.

An item that is none of these (``None``, a NaN from a pandas column) is not
an exception: it is listed under the report's ``errors``, as an unreadable
file is, and every other item is still compared. A text is treated exactly
as a UTF-8 file with that content, so scanning texts gives the findings
``dedup scan`` gives on the same texts saved as files.

Detection parameters (keyword-only, ``None`` or absent: the command line's
default): ``threshold`` (Jaccard threshold of the near-duplicate tier, 0.5),
``shingle_size`` (words per shingle, 5), ``num_perm`` (MinHash
permutations, 128), ``rewrite`` (run the rewrite/paraphrase tier, True),
``min_bigram_containment`` (0.13), ``min_window_containment`` (0.53),
``threads`` (worker threads; default all cores), ``text_field`` and
``id_field`` (of JSONL files). The work runs with the GIL released.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Optional, Tuple

from . import _dedup
from ._dedup import DedupError

__all__ = ["scan", "check", "Index", "DedupError", "findings", "__version__"]

__version__: str = _dedup.__version__

Report = Dict[str, Any]


def scan(items: Iterable[Any] | os.PathLike, ids: Optional[Iterable[Any]] = None, **params: Any) -> Report:
    """Compares every document with every other, like ``dedup scan``.

    ``items``: an iterable of texts, paths, ``(id, text)`` pairs or pyarrow
    scalars (see the module docstring), or a single path. ``ids``: an
    iterable of ids for the texts, consumed alongside ``items``.

    Returns the report (the JSON schema of ``dedup scan --format json``)
    as dicts and lists; ``report["pairs"]`` are the findings, strongest
    first. Raises ``ValueError`` for a parameter out of range and
    ``TypeError`` for a single ``str`` given as ``items``.

    Cost: linear in the total text (MinHash sketches, LSH, content-bigram
    postings), plus the verification of candidate pairs.
    """
    return json.loads(_dedup.scan_json(items, ids, **params))


def check(new: Iterable[Any] | os.PathLike, against: Iterable[Any] | os.PathLike, **params: Any) -> Report:
    """New documents against a collection and each other, like ``dedup
    check NEW --against DIR``.

    Both arguments take what :func:`scan` takes. A collection document with
    the id of a new one is its old version and is left out. The report has
    only findings involving at least one new document.
    """
    return json.loads(_dedup.check_json(new, against, **params))


def findings(report: Report) -> List[Tuple[str, str, str, float]]:
    """``(a, b, verdict, score)`` of every finding of a report, in report
    order: the short form of ``report["pairs"]``."""
    return [(f["a"], f["b"], f["verdict"], f["score"]) for f in report["pairs"]]


class Index:
    """A persistent index file (SQLite), as ``dedup index`` writes it.

    ``Index(path)`` opens an existing index (``dedup index build`` or
    :meth:`Index.build`); a missing or incompatible one raises
    :class:`DedupError` with what to do about it. The file stores each
    document's original text next to its LSH band keys and content-bigram
    postings. Any number of readers and one writer may use it at once.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self._native = _dedup.NativeIndex(os.fspath(path))

    @classmethod
    def build(
        cls,
        path: str | os.PathLike,
        items: Iterable[Any] | os.PathLike = (),
        ids: Optional[Iterable[Any]] = None,
        *,
        overwrite: bool = False,
        threads: Optional[int] = None,
        text_field: str = "text",
        id_field: str = "id",
        **params: Any,
    ) -> "Index":
        """Creates an index at ``path`` with the given detection parameters
        (they are stored: later checks use them) and adds ``items``. An
        existing file is an error unless ``overwrite``."""
        index = cls.__new__(cls)
        index._native = _dedup.NativeIndex.create(os.fspath(path), overwrite=overwrite, **params)
        index.add(items, ids, threads=threads, text_field=text_field, id_field=id_field)
        return index

    def add(
        self,
        items: Iterable[Any] | os.PathLike,
        ids: Optional[Iterable[Any]] = None,
        *,
        threads: Optional[int] = None,
        text_field: str = "text",
        id_field: str = "id",
    ) -> Dict[str, Any]:
        """Adds documents, like ``dedup index add``: a new id is added, a
        changed document replaces its entry, an unchanged one is skipped.
        Returns ``{"added", "replaced", "unchanged", "errors"}`` (errors as
        in a report: ``file``, ``line``, ``message``)."""
        added, replaced, unchanged, errors = self._native.add(
            items, ids, threads=threads, text_field=text_field, id_field=id_field
        )
        return {
            "added": added,
            "replaced": replaced,
            "unchanged": unchanged,
            "errors": [_error(f, line, m) for f, line, m in errors],
        }

    def check(self, items: Iterable[Any] | os.PathLike, ids: Optional[Iterable[Any]] = None, **params: Any) -> Report:
        """New documents against the index and each other, like ``dedup
        check NEW --index PATH``: the findings ``dedup scan`` would report
        over the union that involve a new document.

        Shingle size, permutations and tier are the index's; ``threshold``
        (whose LSH bands must be the index's, else :class:`DedupError` asks
        to rebuild), ``min_bigram_containment``, ``min_window_containment``,
        ``threads``, ``text_field`` and ``id_field`` may be given. An indexed document
        with the id of a new one is its old version and is left out.
        Cost: the new documents' sketches plus a few key look-ups each.
        """
        return json.loads(self._native.check_json(items, ids, **params))

    def stats(self) -> Dict[str, Any]:
        """Document count, text bytes, size on disk, schema version and the
        stored parameters (``dedup index stats``)."""
        return json.loads(self._native.stats_json())

    @property
    def params(self) -> Dict[str, Any]:
        """The parameters the index stores (what its features depend on:
        ``shingle_size``, ``num_perm``, ``seed``, ``lsh``, ``rewrite_tier``,
        ...)."""
        return json.loads(self._native.params_json())

    @property
    def path(self) -> str:
        """The index file."""
        return os.fspath(self._native.path)

    def __len__(self) -> int:
        return int(self.stats()["documents"])

    def __repr__(self) -> str:
        return f"dedup.Index({self.path!r})"


def _error(file: str, line: Optional[int], message: str) -> Dict[str, Any]:
    error: Dict[str, Any] = {"file": file, "message": message}
    if line is not None:
        error["line"] = line
    # The report's key order: file, line, message.
    return dict(sorted(error.items(), key=lambda kv: ["file", "line", "message"].index(kv[0])))
