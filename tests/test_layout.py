"""The shape of the code: the rules of docs/architecture.md, checked on the source itself.

Every check reports all its offenders at once. The import graph is read with `ast`, so imports
inside functions count as much as those at the top of a module; an edge goes to the module an
import names (`from archive.x import y` goes to archive.x.y when that is a module, else to
archive.x), not to the packages above it.
"""
from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "archive"
PAGES = PACKAGE / "app" / "pages"
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60

# (importing module, imported module) pairs allowed inside a function: each loads a heavy
# optional dependency only when it is needed, and its line says so with a `# lazy:` comment.
LAZY_ALLOWED = {
    ("archive.storage", "archive.storage.local"),  # faiss, sqlite_utils
    ("archive.storage", "archive.storage.milvus.reader"),  # pymilvus
    ("archive.cli", "archive.build"),  # faiss, sqlite_utils (`archive --help` stays fast)
}
# third-party libraries whose in-function imports say why with a `# lazy:` comment (at module
# level they are fine in modules that are themselves reached lazily: the milvus engine, faiss)
HEAVY = {"torch", "sentence_transformers", "transformers", "onnxruntime", "spacy", "pymilvus",
         "ray", "faiss"}
# library -> the only part of the package that may import it
OWNERS = {
    "faiss": "archive.storage", "pymilvus": "archive.storage", "sqlite3": "archive.storage",
    "sqlite_utils": "archive.storage", "tantivy": "archive.storage",
    "sentence_transformers": "archive.embed", "torch": "archive.embed",
    "onnxruntime": "archive.embed",
    "streamlit": "archive.app",
    "fastapi": "archive.api", "uvicorn": "archive.api", "swagger_ui_bundle": "archive.api",
}
NOT_ON_CLI_IMPORT = ("torch", "faiss", "spacy", "pymilvus", "ray", "streamlit")


@dataclass(frozen=True)
class Import:
    importer: str  # module name
    target: str  # the module (archive.*) or top-level library imported
    line: int
    in_function: bool
    source: str  # the import's source lines
    names: tuple[str, ...] = ()  # `from target import names`


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_files() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = package_files()


def resolve(importer: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module of a `from ... import` (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if path.name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def function_spans(tree: ast.AST) -> list[tuple[int, int]]:
    return [(n.lineno, n.end_lineno or n.lineno) for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def imports_of(name: str, path: Path) -> list[Import]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    spans = function_spans(tree)
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        inside = any(a < node.lineno <= b for a, b in spans)
        source = "\n".join(lines[node.lineno - 1: node.end_lineno])
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append(Import(name, alias.name, node.lineno, inside, source))
            continue
        module = resolve(name, path, node)
        names = tuple(a.name for a in node.names)
        submodules = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES]
        for target in submodules or [module]:
            out.append(Import(name, target, node.lineno, inside, source, names))
    return out


ALL_IMPORTS = {name: imports_of(name, path) for name, path in MODULES.items()}


def own(target: str) -> bool:
    return target == "archive" or target.startswith("archive.")


def top(target: str) -> str:
    return target.split(".")[0]


def where(imp: Import) -> str:
    return f"{MODULES[imp.importer].relative_to(ROOT)}:{imp.line}"


# -- (1) every module imports, and the graph has no cycle ---------------------------------
def importable() -> list[str]:
    """Every module but the page scripts (run by Streamlit, never imported) and __main__."""
    return [m for m, p in MODULES.items()
            if PAGES not in p.parents and m != "archive.__main__"]


def test_every_module_imports():
    failed = []
    for name in importable():
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and top(exc.name) in {"pymilvus", "ray", "milvus_lite"}:
                continue  # an optional extra that is not installed
            failed.append(f"{name}: {exc!r}")
        except Exception as exc:  # noqa: BLE001 - report every module that fails
            failed.append(f"{name}: {exc!r}")
    assert not failed, "modules that do not import:\n" + "\n".join(failed)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), or a self-import."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, imports in ALL_IMPORTS.items():
        for imp in imports:
            if own(imp.target) and imp.target in MODULES and imp.target != name:
                graph[name].add(imp.target)
    return graph


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle():
    graph = import_graph()
    found = cycles(graph)
    report = []
    for component in found:
        members = set(component)
        edges = [f"  {imp.importer} -> {imp.target} ({where(imp)})"
                 for m in component for imp in ALL_IMPORTS[m]
                 if imp.target in members and imp.target != m]
        report.append(" <-> ".join(component) + "\n" + "\n".join(sorted(set(edges))))
    assert not found, "import cycles:\n" + "\n".join(report)


# -- (2) imports inside functions ---------------------------------------------------------
def test_no_function_level_import_of_own_modules():
    bad = [f"{where(imp)}: {imp.importer} imports {imp.target} inside a function"
           for imports in ALL_IMPORTS.values() for imp in imports
           if imp.in_function and own(imp.target)
           and (imp.importer, imp.target) not in LAZY_ALLOWED]
    assert not bad, ("in-function imports of the package's own modules (move them to the top, "
                     "or add the pair to LAZY_ALLOWED if it loads a heavy dependency):\n"
                     + "\n".join(bad))


def says_lazy(imp: Import) -> bool:
    """A `# lazy` comment on the import, or on the imports or comments just above it (one
    comment serves a block of imports)."""
    lines = MODULES[imp.importer].read_text(encoding="utf-8").splitlines()
    i = imp.line - 2
    block = [imp.source]
    while i >= 0 and lines[i].strip().startswith(("import ", "from ", "#")):
        block.append(lines[i])
        i -= 1
    return any("# lazy" in text for text in block)


def test_lazy_imports_say_why():
    bad = [f"{where(imp)}: {imp.source.strip()}"
           for imports in ALL_IMPORTS.values() for imp in imports
           if imp.in_function and not says_lazy(imp)
           and ((imp.importer, imp.target) in LAZY_ALLOWED or top(imp.target) in HEAVY)]
    assert not bad, "lazy imports without a `# lazy: <reason>` comment:\n" + "\n".join(bad)


# -- (3) and (4): sizes ---------------------------------------------------------------------
def test_no_module_over_500_lines():
    long = [f"{p.relative_to(ROOT)}: {n} lines" for p in MODULES.values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not long, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(long)


def says_why(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> bool:
    """A "long:" reason in the comment lines just above the def (or its decorators), on the
    def line, or in the docstring."""
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    i = first - 2
    above = []
    while i >= 0 and lines[i].strip().startswith("#"):
        above.append(lines[i])
        i -= 1
    doc = ast.get_docstring(node) or ""
    return any("long:" in text for text in [*above, lines[node.lineno - 1], doc])


def test_no_function_over_60_lines():
    long = []
    for path in [*MODULES.values(), ROOT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > MAX_FUNCTION_LINES and not says_why(node, lines):
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {n} lines")
    assert not long, (f"functions over {MAX_FUNCTION_LINES} lines without a 'long:' reason:\n"
                      + "\n".join(long))


# -- (5) tests and benchmarks use public names ----------------------------------------------
def private_uses(path: Path) -> list[str]:
    """`from archive... import _x`, `archive._x` modules, and `alias._x` on an archive module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: set[str] = set()
    found = []

    def private(name: str) -> bool:
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if own(a.name):
                    if any(private(part) for part in a.name.split(".")):
                        found.append(f"{node.lineno}: import {a.name}")
                    aliases.add(a.asname or a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and own(node.module):
            if any(private(part) for part in node.module.split(".")):
                found.append(f"{node.lineno}: from {node.module} import ...")
            for a in node.names:
                if private(a.name):
                    found.append(f"{node.lineno}: from {node.module} import {a.name}")
                elif f"{node.module}.{a.name}" in MODULES:
                    aliases.add(a.asname or a.name)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in aliases):
            found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_tests_and_benchmarks_use_public_names():
    bad = []
    for folder in ("tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            bad += [f"{path.relative_to(ROOT)}:{use}" for use in private_uses(path)]
    assert not bad, "private archive names used from tests or benchmarks:\n" + "\n".join(bad)


# -- (6) who may import which library -------------------------------------------------------
def test_libraries_stay_in_their_part():
    bad = []
    for imports in ALL_IMPORTS.values():
        for imp in imports:
            owner = OWNERS.get(top(imp.target))
            if owner and not (imp.importer == owner or imp.importer.startswith(owner + ".")):
                bad.append(f"{where(imp)}: {imp.importer} imports {imp.target} "
                           f"(only {owner} may)")
    assert not bad, "libraries imported outside their part:\n" + "\n".join(bad)


# -- (7) the command line starts light -----------------------------------------------------
def loaded_after(statement: str, names: tuple[str, ...]) -> list[str]:
    code = (f"import sys\n{statement}\n"
            f"print(' '.join(n for n in {names!r} if n in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    return out.stdout.split()


def test_cli_import_loads_no_heavy_library():
    loaded = loaded_after("import archive.cli", NOT_ON_CLI_IMPORT)
    assert not loaded, f"`import archive.cli` loads {', '.join(loaded)}"


# -- the public API -------------------------------------------------------------------------
API = ("Searcher", "Hit", "Filters", "load_config", "Config", "build_index", "add", "reembed",
       "reattribute", "ArchiveError", "IndexNotFound", "IndexMismatch", "BadRequest")


def test_import_archive_is_cheap():
    own_modules = tuple(m for m in MODULES if m != "archive")
    assert loaded_after("import archive", own_modules) == []


@pytest.mark.parametrize("name", API)
def test_public_api_resolves(name):
    import archive

    assert name in archive.__all__ and name in dir(archive)
    assert getattr(archive, name) is not None


def test_public_api_is_the_parts_own():
    import archive
    import archive.build
    from archive.config import load_config
    from archive.errors import ArchiveError, BadRequest
    from archive.models import Filters, Hit

    assert archive.__version__
    assert archive.build_index is archive.build.build
    assert isinstance(archive.build, type(archive))  # the subpackage, not the function
    assert archive.load_config is load_config and archive.Hit is Hit
    assert archive.Filters is Filters and archive.BadRequest is BadRequest
    assert all(issubclass(getattr(archive, n), ArchiveError)
               for n in archive.__all__ if n.endswith(("Error", "Found", "Mismatch")))
    with pytest.raises(AttributeError):
        archive.no_such_name  # noqa: B018
