"""The corpus file hashes: recorded into a manifest, and a changed file detected."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"

MANIFEST = '''[[document]]
id = "001"
file = "001_order.txt"
source = "https://example.org/1"

[[document]]
id = "002"
file = "002_order.txt"
sha256 = "{old}"
source = "https://example.org/2"

[[document]]
id = "003"
file = "003_order.txt"
sha256 = "{kept}"
source = "https://example.org/3"
'''


def test_record_sha256_sets_replaces_and_keeps(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH / "corpus"))
    import rebuild_from_mirrors

    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "001_order.txt").write_bytes("Приказ 1".encode())
    (folder / "002_order.txt").write_bytes(b"new text")
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(MANIFEST.format(old="0" * 64, kept="1" * 64), encoding="utf-8")

    assert rebuild_from_mirrors.record_sha256(manifest, folder) == 2

    docs = {d["id"]: d for d in tomllib.loads(manifest.read_text("utf-8"))["document"]}
    assert docs["001"]["sha256"] == hashlib.sha256("Приказ 1".encode()).hexdigest()
    assert docs["002"]["sha256"] == hashlib.sha256(b"new text").hexdigest()
    assert docs["003"]["sha256"] == "1" * 64  # its file is not on hand: the hash stays
    assert manifest.read_text("utf-8").count("sha256 =") == 3


def test_benchmark_flags_a_file_that_is_not_the_keyed_one(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import bench_import_accuracy

    path = tmp_path / "001_order.txt"
    path.write_bytes(b"keyed text")
    entry = {"sha256": hashlib.sha256(b"keyed text").hexdigest()}
    assert not bench_import_accuracy.sha256_mismatch(entry, path)
    path.write_bytes(b"keyed text, changed")
    assert bench_import_accuracy.sha256_mismatch(entry, path)
    assert not bench_import_accuracy.sha256_mismatch({}, path)
