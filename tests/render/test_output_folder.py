"""A reused output folder: render's own stale files go, the user's files stay and are listed."""

from __future__ import annotations

import re

import pytest

from symbreak.render import RenderError, render_run
from symbreak.render._manifest import MANIFEST

SIZE = (96, 72)


def render(run, out, report, **options):
    return render_run(run, out, size=SIZE, report=report, resolution=8, **options)


def listed(index_path) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', index_path.read_text()))


def test_rerender_removes_its_stale_pictures_and_keeps_user_files(tmp_path, prism_run,
                                                                  prism_report):  # fmt: skip
    (tmp_path / "thesis.tex").write_text("mine")
    first = render(prism_run, tmp_path, prism_report)
    assert "layer1_2e.png" in [f.name for f in first.files]
    second = render(prism_run, tmp_path, prism_report, layer=0)
    names = {f.name for f in second.files}
    assert not any(name.startswith("layer1") for name in names)
    assert set(second.removed) >= {"layer1_signal.png", "layer1_2e.png"}
    on_disk = {p.name for p in tmp_path.iterdir()}
    assert on_disk == names | {"index.html", MANIFEST, "thesis.tex"}
    assert (tmp_path / "thesis.tex").read_text() == "mine"
    index = (tmp_path / "index.html").read_text()
    assert listed(tmp_path / "index.html") == names  # every picture in the folder is listed
    assert "thesis.tex" in index and second.others == ["thesis.tex"]


def test_refuses_to_overwrite_a_file_it_did_not_write(tmp_path, prism_run, prism_report):
    (tmp_path / "structures.png").write_bytes(b"the user's own picture")
    with pytest.raises(RenderError, match="structures.png that symbreak render did not write"):
        render(prism_run, tmp_path, prism_report, layer=1)
    assert (tmp_path / "structures.png").read_bytes() == b"the user's own picture"
    assert {p.name for p in tmp_path.iterdir()} == {"structures.png"}


def test_a_folder_from_before_the_manifest_is_recognised_by_its_index(tmp_path, prism_run,
                                                                     prism_report):  # fmt: skip
    render(prism_run, tmp_path, prism_report)
    (tmp_path / MANIFEST).unlink()  # as written by an older symbreak
    (tmp_path / "keep.png").write_bytes(b"not listed in the old index")
    render(prism_run, tmp_path, prism_report, layer=0)
    assert not (tmp_path / "layer1_2e.png").exists()
    assert (tmp_path / "keep.png").exists()


def test_a_manifest_cannot_delete_outside_the_folder(tmp_path, prism_run, prism_report):
    out = tmp_path / "pictures"
    out.mkdir()
    (tmp_path / "precious.txt").write_text("x")
    (out / MANIFEST).write_text('{"files": ["../precious.txt", "/etc/hostname", "index.html"]}')
    render(prism_run, out, prism_report, layer=0)
    assert (tmp_path / "precious.txt").exists()
