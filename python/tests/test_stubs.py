"""The type stubs describe what the package exports."""

import ast
import inspect
import pathlib

import dedup

STUBS = pathlib.Path(dedup.__file__).with_name("__init__.pyi")


def stub_names():
    tree = ast.parse(STUBS.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_every_export_has_a_stub():
    assert set(dedup.__all__) <= stub_names()


def test_every_public_function_and_method_has_a_docstring():
    for name in dedup.__all__:
        obj = getattr(dedup, name)
        if callable(obj):
            assert inspect.getdoc(obj), name
    for name, member in inspect.getmembers(dedup.Index):
        if not name.startswith("_"):
            assert inspect.getdoc(member), f"Index.{name}"


def test_stub_parameters_match_the_functions():
    tree = ast.parse(STUBS.read_text())
    stubs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    for name in ("scan", "check"):
        stub = stubs[name]
        stub_params = [a.arg for a in stub.args.args + stub.args.kwonlyargs]
        params = list(inspect.signature(getattr(dedup, name)).parameters)
        # The runtime functions pass **params on: their named ones first.
        assert stub_params[: len(params) - 1] == params[:-1], name
