"""Binder builds the environment the chapters need.

repo2docker (what mybinder.org runs) renders the repository into a Dockerfile
without Docker (``--no-build --debug``); the tests read that Dockerfile: the
Python version comes from ``runtime.txt``, ``requirements.txt`` is installed,
then the repository itself (``pip install .``, which must yield the
``mlecourse`` package with its data). They also check that every module the
chapters import is installed by those two steps, and that jupytext is there,
without which a ``.md`` chapter opens as a text file instead of a notebook,
and that ``postBuild`` runs after both and writes the converted notebooks the
launch buttons open (``notebooks/<chapter>.ipynb``).
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import importlib.util
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

sys.path.insert(0, str(Path(__file__).parent / "site"))

from _chapters import chapter_id, chapters, code_cells, read_notebook  # noqa: E402
from _sitefacts import REPO, in_ci  # noqa: E402

BIN = Path(sys.executable).parent


def _requirements() -> list[Requirement]:
    reqs = []
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            reqs.append(Requirement(line))
    return reqs


def _project():
    import tomllib

    with open(REPO / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def dockerfile() -> str:
    exe = shutil.which("jupyter-repo2docker", path=str(BIN)) or shutil.which(
        "jupyter-repo2docker"
    )
    if exe is None:
        reason = "jupyter-repo2docker is not installed (pip install -e '.[test]')"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    proc = subprocess.run(
        [exe, "--no-build", "--debug", str(REPO)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "FROM " in proc.stdout, "repo2docker printed no Dockerfile"
    return proc.stdout


@pytest.mark.slow
def test_binder_uses_python_311(dockerfile):
    assert (REPO / "runtime.txt").read_text().strip() == "python-3.11"
    # repo2docker installs Python from a conda lock file named after the version
    assert re.search(r"environment-2epy-2d3-2e11-2dlinux-2d64-2elock", dockerfile), (
        "the Dockerfile does not install the Python 3.11 environment"
    )
    package = importlib.util.find_spec("repo2docker").submodule_search_locations[0]
    lock = Path(package) / "buildpacks" / "conda" / "environment.py-3.11-linux-64.lock"
    assert re.search(r"/python-3\.11\.\d+-", lock.read_text()), "lock file is not Python 3.11"
    # the notebook server and the kernel share that environment, so jupytext's
    # server extension (which opens .md as notebooks) runs where the chapters run
    assert "ENV KERNEL_PYTHON_PREFIX=${NB_PYTHON_PREFIX}" in dockerfile


@pytest.mark.slow
def test_binder_installs_requirements_then_the_repository(dockerfile):
    steps = re.findall(r"^RUN \$\{KERNEL_PYTHON_PREFIX\}/bin/pip install (.*)$", dockerfile, re.M)
    assert steps == ['--no-cache-dir -r "requirements.txt"', "--no-cache-dir ."], steps


@pytest.mark.slow
def test_binder_runs_postbuild_after_installing_the_repository(dockerfile):
    """postBuild converts the chapters once the package and its dependencies are installed."""
    steps = [line for line in dockerfile.splitlines() if line.startswith("RUN ")]
    install = steps.index("RUN ${KERNEL_PYTHON_PREFIX}/bin/pip install --no-cache-dir .")
    assert "RUN ./postBuild" in steps[install + 1:]
    # repo2docker ignores top-level files when a binder/ or .binder/ folder exists
    assert not (REPO / "binder").exists() and not (REPO / ".binder").exists()


def test_postbuild_writes_the_notebooks_the_launch_buttons_open():
    from mlecourse.coursework.notebook import BINDER_DIR, launch_path

    script = (REPO / "postBuild").read_text()
    assert script.startswith("#!/bin/bash\n") and "set -euo pipefail" in script
    assert re.search(rf"^python -m mlecourse\.coursework\.notebook --out {BINDER_DIR}$",
                     script, re.M)
    assert (REPO / "postBuild").stat().st_mode & 0o111, "postBuild is not executable"
    assert launch_path("book/likelihood.md") == f"{BINDER_DIR}/likelihood.ipynb"
    # generated, so neither committed nor built into the site
    assert f"{BINDER_DIR}/" in (REPO / ".gitignore").read_text().splitlines()
    import yaml

    config = yaml.safe_load((REPO / "_config.yml").read_text())
    assert BINDER_DIR in config["exclude_patterns"]
    assert "mlecourse.coursework.notebook" in config["sphinx"]["extra_extensions"]


def test_requirements_include_jupytext_and_the_book_toolchain():
    names = {canonicalize_name(r.name) for r in _requirements()}
    for needed in ("jupytext", "jupyter-book", "ipykernel", "ipywidgets", "matplotlib"):
        assert needed in names, f"{needed} missing from requirements.txt"


@pytest.mark.slow
def test_pip_install_of_the_repository_provides_mlecourse(tmp_path):
    """``pip install .`` (Binder's last step) builds a wheel with the package and its data."""
    project = _project()
    assert project["project"]["name"] == "mlecourse"
    assert "build-backend" in project["build-system"]
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("mlecourse-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "mlecourse/__init__.py" in names
    data = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "mlecourse" / "data").glob("*")
                  if p.suffix in (".csv", ".md"))
    missing = [d for d in data if d not in names]
    assert not missing, f"data files not in the wheel: {missing}"
    entry = [n for n in names if n.endswith("entry_points.txt")]
    assert entry and "mlecourse = mlecourse.__main__:main" in zipfile.ZipFile(wheel).read(
        entry[0]
    ).decode()


def _imports(source: str) -> set[str]:
    # IPython magics and shell escapes are not Python
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _installed_by_binder() -> set[str]:
    """Distributions that requirements.txt and ``pip install .`` bring, with dependencies."""
    env = default_environment()
    todo = [r for r in _requirements()]
    todo += [Requirement(d) for d in _project()["project"]["dependencies"]]
    seen: set[str] = {"mlecourse"}
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen or (req.marker and not req.marker.evaluate(dict(env, extra=""))):
            continue
        seen.add(name)
        try:
            requires = md.requires(req.name) or []
        except md.PackageNotFoundError:
            continue
        for spec in requires:
            sub = Requirement(spec)
            if sub.marker and not sub.marker.evaluate(dict(env, extra="")):
                continue
            todo.append(sub)
    return seen


def test_every_module_the_chapters_import_is_installed_on_binder():
    """A chapter that imports a module Binder does not install fails for every student there."""
    provided = _installed_by_binder()
    module_dists = md.packages_distributions()
    stdlib = set(sys.stdlib_module_names)
    missing = {}
    for path in chapters():
        for cell in code_cells(read_notebook(path)):
            for module in _imports(cell.source):
                if module in stdlib or module == "mlecourse":
                    continue
                dists = {canonicalize_name(d) for d in module_dists.get(module, [module])}
                if not dists & provided:
                    missing.setdefault(module, set()).add(chapter_id(path))
    assert not missing, "imported by chapters but not installed by requirements.txt: " + "; ".join(
        f"{m} ({', '.join(sorted(c))})" for m, c in sorted(missing.items())
    )
