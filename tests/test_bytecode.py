"""The meta-tests' shared compiled modules (tests/bytecode.py) reach only the same source file."""

import os
import shutil
from pathlib import Path

from .bytecode import link_bytecode

PYC = Path("package") / "__pycache__" / "module.cpython-311.pyc"


def library_file(folder: Path) -> Path:
    source = folder / "package" / "module.py"
    source.parent.mkdir(parents=True)
    source.write_text("VALUE = 1\n")
    return source


def seed_beside(source: Path, seed: Path) -> None:
    (seed / PYC).parent.mkdir(parents=True)
    os.link(source, seed / "package" / "module.py")
    (seed / PYC).write_bytes(b"compiled")


def test_a_module_installed_from_the_same_file_gets_the_seeds_bytecode(tmp_path: Path) -> None:
    cached = library_file(tmp_path / "cache")
    seed_beside(cached, tmp_path / "seed")
    site = tmp_path / "site"
    (site / "package").mkdir(parents=True)
    os.link(cached, site / "package" / "module.py")  # as uv installs: a hardlink

    link_bytecode(tmp_path / "seed", site)

    assert (site / PYC).samefile(tmp_path / "seed" / PYC)


def test_a_module_from_another_file_with_the_same_content_gets_none(tmp_path: Path) -> None:
    cached = library_file(tmp_path / "cache")
    seed_beside(cached, tmp_path / "seed")
    site = tmp_path / "site"
    (site / "package").mkdir(parents=True)
    shutil.copy2(cached, site / "package" / "module.py")  # same size and mtime, another file

    link_bytecode(tmp_path / "seed", site)

    assert not (site / PYC).exists()
