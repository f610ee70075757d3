"""The corpus manifest (bench/corpus/manifest.toml) is well formed. The files are not needed."""

from __future__ import annotations

import hashlib
import itertools
import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

MANIFEST = Path(__file__).resolve().parents[1] / "bench" / "corpus" / "manifest.toml"
FIELDS = {"id", "file", "source", "kind", "format", "split", "doc_date", "doc_number",
          "due_dates", "recurrences", "non_actionable", "partial", "notes"}
KINDS = {"order", "directive", "resolution", "board_decision", "council_decision", "protocol",
         "instructions", "roadmap", "plan", "reporting_schedule", "letter", "regulation",
         "other"}
FORMATS = {"txt", "html", "docx", "pdf", "doc", "odt", "xlsx", "rtf"}
RECURRENCES = {"daily", "weekly", "monthly", "quarterly", "half_yearly", "yearly", "continuous"}


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    with MANIFEST.open("rb") as handle:
        return tomllib.load(handle)["document"]


def _iso(value: str) -> date:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    return date.fromisoformat(value)


def test_every_entry_has_the_fields_and_valid_values(documents):
    assert len(documents) >= 45
    for doc in documents:
        assert doc.keys() >= FIELDS, (doc.get("id"), FIELDS - doc.keys())
        assert doc["kind"] in KINDS, doc["id"]
        assert doc["format"] in FORMATS, doc["id"]
        assert doc["split"] in {"train", "test"}, doc["id"]
        assert doc["file"] == f"{doc['id']}_{doc['kind']}.{doc['format']}", doc["id"]
        if doc["doc_date"]:
            _iso(doc["doc_date"])
        for value in doc["due_dates"]:
            _iso(value)
        for value in doc["recurrences"]:
            assert value.split(":", 1)[0] in RECURRENCES, (doc["id"], value)
        assert all(isinstance(value, str) and value for value in doc["non_actionable"])
        assert isinstance(doc["partial"], bool)
        if "sha256" in doc:  # optional: the hash of the file keyed, when it was on hand
            assert re.fullmatch(r"[0-9a-f]{64}", doc["sha256"]), doc["id"]
        if doc["source"].startswith("github:"):
            assert doc.get("path") and re.fullmatch(r"[0-9a-f]{40}", doc.get("commit", ""))
        else:
            assert doc["source"].startswith(("http://", "https://")), doc["id"]


def test_ids_and_files_are_unique(documents):
    ids = [doc["id"] for doc in documents]
    assert len(ids) == len(set(ids))
    assert len({doc["file"] for doc in documents}) == len(documents)


# Each gathering round is split on its own and then frozen, so that a document the parser
# was tuned on (train) never moves into the test split when later documents arrive. The
# rounds written before round 4 must never move.
FROZEN_ROUNDS = [[1, 86], [87, 93], [94, 114]]


@pytest.fixture(scope="module")
def rounds() -> list[list[int]]:
    with MANIFEST.open("rb") as handle:
        return tomllib.load(handle)["rounds"]


def test_earlier_rounds_are_frozen(rounds):
    assert rounds[:len(FROZEN_ROUNDS)] == FROZEN_ROUNDS
    assert all(low <= high for low, high in rounds)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(rounds))


def test_split_follows_the_rule_and_is_about_a_fifth(documents, rounds):
    # Stratified within a round: without and with due dates, then by kind, then sha256(id).
    expected = {}
    for low, high in rounds:
        batch = [d for d in documents if low <= int(d["id"]) <= high]
        order = sorted(batch, key=lambda d: (bool(d["due_dates"]), d["kind"],
                                             hashlib.sha256(d["id"].encode()).hexdigest()))
        expected |= {d["id"]: "test" if i % 5 == 2 else "train" for i, d in enumerate(order)}
    assert {d["id"]: d["split"] for d in documents} == expected
    share = sum(d["split"] == "test" for d in documents) / len(documents)
    assert 0.15 <= share <= 0.25
