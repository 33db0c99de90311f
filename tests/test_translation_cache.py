"""The SQLite translation cache: keys, hits and misses, corruption recovery."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kzparallel.translation.base import DecodingConfig, Hypothesis, TermHints, Translation
from kzparallel.translation.cache import (
    DB_NAME,
    CacheError,
    TranslationCache,
    cache_key,
    default_cache_dir,
)

SETTINGS = DecodingConfig().output_settings()


def _tr(text: str, n: int = 1, attention: bool = False) -> Translation:
    return Translation(
        hypotheses=[Hypothesis(f"{text} {k}".strip(), -0.5 - k, ["▁" + text]) for k in range(n)],
        src_tokens=["▁ق", "</s>"],
        attention=[[0.25, 0.75]] if attention else None,
    )


def _key(text: str = "قال", **kw: object) -> str:
    args: dict[str, object] = {
        "model_id": "m",
        "revision": "r1",
        "backend_label": "ctranslate2-int8",
        "settings": SETTINGS,
        "text": text,
    }
    args.update(kw)
    return cache_key(**args)  # type: ignore[arg-type]


def test_default_dir_from_environment(cache_dir: Path) -> None:
    assert default_cache_dir() == cache_dir


def test_default_dir_is_user_cache_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_cache_dir

    monkeypatch.delenv("KZPARALLEL_CACHE_DIR")
    assert default_cache_dir() == Path(user_cache_dir("kzparallel"))


@pytest.mark.parametrize(
    "change",
    [
        {"model_id": "other"},
        {"revision": "r2"},
        {"backend_label": "transformers-fp32"},
        {"settings": DecodingConfig(beam=5).output_settings()},
        {"settings": DecodingConfig(max_new_tokens=20).output_settings()},
        {"text": "قال "},
        {"hints": TermHints(prefer=["Tokayev"])},
        {"hints": TermHints(forbid=["Tokaev"])},
    ],
)
def test_everything_that_changes_output_changes_the_key(change: dict[str, object]) -> None:
    assert _key(**change) != _key()  # type: ignore[arg-type]


def test_settings_that_do_not_change_the_text_share_a_key() -> None:
    a = DecodingConfig(nbest=1).output_settings()
    b = DecodingConfig(nbest=4, return_alignment=True).output_settings()
    assert _key(settings=a) == _key(settings=b)
    assert _key(hints=TermHints()) == _key()
    assert len(_key()) == 64


def test_put_get_roundtrip_and_persistence(cache_dir: Path) -> None:
    with TranslationCache(cache_dir) as cache:
        assert cache.path == cache_dir / DB_NAME
        cache.put(_key(), _tr("Tokayev", n=2, attention=True))
        assert len(cache) == 1
    with TranslationCache(cache_dir) as cache:
        got = cache.get(_key(), nbest=2, attention=True)
        assert got == _tr("Tokayev", n=2, attention=True)
        assert cache.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_hits_and_misses_counted(cache_dir: Path) -> None:
    with TranslationCache(cache_dir) as cache:
        cache.put_many([(_key("a"), _tr("A")), (_key("b"), _tr("B"))])
        found = cache.get_many([_key("a"), _key("c"), _key("b")])
        assert {k: v.text for k, v in found.items()} == {_key("a"): "A 0", _key("b"): "B 0"}
        assert (cache.hits, cache.misses) == (2, 1)


def test_entry_without_enough_hypotheses_or_attention_is_a_miss(cache_dir: Path) -> None:
    with TranslationCache(cache_dir) as cache:
        cache.put(_key(), _tr("x", n=1))
        assert cache.get(_key(), nbest=2) is None
        assert cache.get(_key(), attention=True) is None
        assert cache.get(_key()) is not None


def test_file_path_accepted(tmp_path: Path) -> None:
    with TranslationCache(tmp_path / "x.sqlite") as cache:
        cache.put(_key(), _tr("x"))
    assert (tmp_path / "x.sqlite").is_file()


def test_corrupted_file_moved_aside_with_one_warning(cache_dir: Path) -> None:
    cache_dir.mkdir(parents=True)
    db = cache_dir / DB_NAME
    db.write_bytes(b"this is not a database" * 100)
    warnings: list[str] = []
    with TranslationCache(cache_dir, on_warning=warnings.append) as cache:
        assert cache.get(_key()) is None
        cache.put(_key(), _tr("x"))
        assert cache.get(_key()) is not None
    assert len(warnings) == 1
    assert warnings[0].startswith(f"translation cache {db} was unreadable (file is not a database)")
    aside = [p for p in cache_dir.iterdir() if p.name.startswith(f"{DB_NAME}.corrupt-")]
    assert len(aside) == 1
    assert aside[0].read_bytes() == b"this is not a database" * 100


def test_corruption_during_a_run_recovers(cache_dir: Path) -> None:
    warnings: list[str] = []
    cache = TranslationCache(cache_dir, on_warning=warnings.append)
    cache.put(_key("a"), _tr("A"))
    cache.close()
    # overwrite the database with garbage while the cache object is alive
    (cache_dir / DB_NAME).write_bytes(b"\0garbage" * 4096)
    for suffix in ("-wal", "-shm"):
        (cache_dir / (DB_NAME + suffix)).unlink(missing_ok=True)
    assert cache.get(_key("a")) is None
    cache.put(_key("b"), _tr("B"))
    assert cache.get(_key("b")) is not None
    assert len(warnings) == 1
    cache.close()


def test_locked_database_is_not_treated_as_corruption(cache_dir: Path) -> None:
    cache = TranslationCache(cache_dir)
    with pytest.raises(CacheError) as info:
        cache._recover(sqlite3.OperationalError("database is locked"))
    assert str(info.value) == (
        f"translation cache {cache_dir / DB_NAME}: database is locked "
        "(choose another --cache-dir, or --no-cache)"
    )
    assert (cache_dir / DB_NAME).exists()  # not moved aside
    cache.close()


def test_unusable_cache_directory_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(CacheError) as info:
        TranslationCache(tmp_path / "file" / "cache")
    assert str(info.value) == (
        f"translation cache {tmp_path / 'file' / 'cache' / DB_NAME}: not a directory "
        "(choose another --cache-dir, or --no-cache)"
    )


def test_full_disk_while_storing_is_one_error(cache_dir: Path) -> None:
    cache = TranslationCache(cache_dir)
    cache.conn.execute("PRAGMA max_page_count = 1")  # no room for a new page
    with pytest.raises(CacheError) as info:
        cache.put_many([(_key(str(i)), _tr("x" * 5000)) for i in range(20)])
    assert str(info.value) == (
        f"translation cache {cache_dir / DB_NAME}: database or disk is full "
        "(choose another --cache-dir, or --no-cache)"
    )
    cache.close()
