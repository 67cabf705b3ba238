"""Atomic writes, staging folders and modes that follow the umask (published files must be readable by a web server)."""

from __future__ import annotations

import os

import pytest

from kpi.files import make_readable, replace_folder, staging_folder, umask, write_atomically


@pytest.fixture()
def mask_027():
    old = os.umask(0o027)
    yield 0o027
    os.umask(old)


class TestUmask:
    def test_reads_the_umask_without_changing_it(self, mask_027):
        assert umask() == 0o027 and umask() == 0o027


class TestWriteAtomically:
    def test_writes_text_with_the_umask_mode_and_leaves_no_temporary_file(self, tmp_path, mask_027):
        path = write_atomically(tmp_path / "a" / "page.html", "<p>ä</p>")
        assert path.read_text(encoding="utf-8") == "<p>ä</p>"
        assert path.stat().st_mode & 0o777 == 0o640  # mkstemp alone would leave 0600
        assert [p.name for p in path.parent.iterdir()] == ["page.html"]

    def test_a_failed_write_keeps_the_old_file_and_no_temporary_one(self, tmp_path):
        path = write_atomically(tmp_path / "x.json", "old")
        with pytest.raises(TypeError):
            write_atomically(path, 42)  # type: ignore[arg-type]
        assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["x.json"]


class TestFolders:
    def test_staging_folder_is_hidden_and_not_private(self, tmp_path, mask_027):
        folder = staging_folder(tmp_path / "outputs", ".staging-")
        assert folder.name.startswith(".staging-") and folder.stat().st_mode & 0o777 == 0o750

    def test_replace_folder_swaps_whole_and_makes_everything_readable(self, tmp_path):
        target = tmp_path / "2022-12-31"
        target.mkdir()
        (target / "old.html").write_text("old")
        new = staging_folder(tmp_path, ".staging-")
        (new / "sub").mkdir()
        (new / "sub" / "page.html").write_text("new")
        os.chmod(new / "sub" / "page.html", 0o600)
        replace_folder(new, target)
        expected_file, expected_dir = 0o666 & ~umask(), 0o777 & ~umask()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["2022-12-31"]
        assert (target / "sub" / "page.html").stat().st_mode & 0o777 == expected_file
        assert target.stat().st_mode & 0o777 == expected_dir and not (target / "old.html").exists()

    def test_make_readable_of_one_file(self, tmp_path):
        path = tmp_path / "f"
        path.write_text("x")
        os.chmod(path, 0o600)
        assert make_readable(path).stat().st_mode & 0o777 == 0o666 & ~umask()
