"""Where the meta-tests install generated projects: within reach of the embedded server,
which runs as a user of its own (see running.outside_pytest_temp)."""

import stat
from pathlib import Path

import pytest

from .running import install, pytest_temp_root


def test_a_project_under_pytests_temporary_root_is_not_installed(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="outside pytest's temporary root"):
        install(tmp_path)


def test_a_tests_own_project_folder_is_open_to_other_users(project_path: Path) -> None:
    assert not project_path.resolve().is_relative_to(pytest_temp_root())
    for folder in [project_path, *project_path.parents]:
        assert folder.stat().st_mode & stat.S_IXOTH, folder
