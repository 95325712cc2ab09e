"""The playlists data set: the generated files, their generator, and the (network-free parts of the) online path."""

import re
import statistics
import sys
import urllib.error
from collections import Counter
from pathlib import Path

import pytest

import llmbook_utils
from llmbook_utils import cache
from llmbook_utils import playlists as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import make_playlists as mp  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return pl.load_offline_playlists()


def test_committed_files_equal_a_fresh_run():
    assert mp.main(["--check"]) == 0, "run python scripts/make_playlists.py"


@pytest.fixture(scope="module")
def genre_of(data):
    return dict(zip(data["songs"]["song_id"], data["songs"]["genre"], strict=True))


def test_splits_and_columns(data):
    assert set(data) == {"train", "test", "songs"}
    assert data["train"].column_names == data["test"].column_names == ["playlist_id", "song_ids"]
    assert data["songs"].column_names == ["song_id", "title", "artist", "genre"]
    row = data["train"][0]
    assert isinstance(row["playlist_id"], int)
    assert isinstance(row["song_ids"], list) and all(isinstance(s, str) for s in row["song_ids"])


def test_sizes(data):
    assert (len(data["train"]), len(data["test"])) == (4000, 600)
    songs = data["songs"]
    assert 1500 <= len(songs) <= 4000
    assert len(set(songs["genre"])) == len(mp.GENRES) == 14
    songs_per_artist = Counter(songs["artist"])
    assert len(songs_per_artist) >= 250
    assert min(songs_per_artist.values()) >= 3 and max(songs_per_artist.values()) >= 10
    assert len(set(songs["song_id"])) == len(songs)
    ids = list(data["train"]["playlist_id"]) + list(data["test"]["playlist_id"])
    assert len(set(ids)) == len(ids)


def test_playlists_are_valid_and_vary_in_length(data):
    catalogue = set(data["songs"]["song_id"])
    lengths = []
    for split in ("train", "test"):
        for playlist in data[split]["song_ids"]:
            assert set(playlist) <= catalogue
            assert len(set(playlist)) == len(playlist), "a song repeats within a playlist"
            lengths.append(len(playlist))
    assert min(lengths) >= 5 and max(lengths) <= 80
    assert statistics.median(lengths) >= 10
    assert statistics.pstdev(lengths) >= 5
    assert max(lengths) >= 3 * statistics.median(lengths)  # a right-skewed tail of long playlists


def test_same_seed_same_data_other_seed_other_data():
    assert mp.build(seed=0, n_train=50, n_test=5) == mp.build(seed=0, n_train=50, n_test=5)
    other = mp.build(seed=1, n_train=50, n_test=5)
    assert other["train.jsonl"] != mp.build(seed=0, n_train=50, n_test=5)["train.jsonl"]
    assert other["songs.jsonl"] != mp.build(seed=0, n_train=50, n_test=5)["songs.jsonl"]


def test_popularity_has_a_long_tail(data):
    plays = sorted(Counter(s for p in data["train"]["song_ids"] for s in p).values(), reverse=True)
    share_top_decile = sum(plays[: len(plays) // 10]) / sum(plays)
    assert 0.4 <= share_top_decile <= 0.8
    assert plays[0] >= 15 * statistics.median(plays)
    assert len(plays) >= 0.9 * len(data["songs"])  # but most songs do get played


def test_playlists_are_mostly_but_not_only_genre_coherent(data, genre_of):
    """A band with a floor and a ceiling: clearly more coherent than random, clearly less than pure."""
    top_two_share, family_share, spread = [], [], []
    for playlist in data["train"]["song_ids"]:
        genres = Counter(genre_of[s] for s in playlist)
        top_two_share.append(sum(n for _, n in genres.most_common(2)) / len(playlist))
        main = genres.most_common(1)[0][0]
        family = {main, *mp.GENRES[main][1]}  # the main genre and its neighbours
        family_share.append(sum(n for g, n in genres.items() if g in family) / len(playlist))
        spread.append(sum(n >= 0.15 * len(playlist) for n in genres.values()))  # genres with a real share
    assert 0.55 <= statistics.mean(family_share) <= 0.8  # random playlists would score about 0.33, pure ones 1
    assert 0.6 <= statistics.mean(top_two_share) <= 0.85
    assert 0.05 <= sum(share == 1 for share in top_two_share) / len(top_two_share) <= 0.3  # some pure, most not
    cross_genre = sum(n >= 3 for n in spread) / len(spread)
    assert 0.2 <= cross_genre <= 0.5, f"{cross_genre:.0%} of playlists give 15% or more to each of 3+ genres"


def test_each_kind_of_playlist_does_what_its_docstring_says():
    catalogue = mp.generate_catalogue(0)
    sessions = mp.generate_sessions(catalogue, 1500, 0)
    song = {s.song_id: s for s in catalogue}
    kinds = Counter(kind for kind, _ in sessions)
    assert set(kinds) == set(mp.KINDS)
    for kind, share in mp.KINDS.items():
        assert abs(kinds[kind] / len(sessions) - share) < 0.05, kind

    def family_share(playlist):
        genres = Counter(song[s].genre for s in playlist)
        main = genres.most_common(1)[0][0]
        return sum(n for g, n in genres.items() if g in {main, *mp.GENRES[main][1]}) / len(playlist)

    by_kind = {k: [family_share(p) for kind, p in sessions if kind == k] for k in mp.KINDS}
    assert statistics.mean(by_kind["genre"]) >= 0.8  # genre sessions stay in a genre family
    assert statistics.mean(by_kind["mood"]) <= 0.6  # mood playlists do not
    assert statistics.mean(by_kind["broad"]) <= statistics.mean(by_kind["genre"]) - 0.15
    # a mood playlist mostly holds songs of that mood, from several unrelated genres
    workout = [s for s in catalogue if "workout" in s.moods]
    assert {"hip hop", "metal", "house", "pop"} <= {s.genre for s in workout}
    holiday_share = [sum(song[s].holiday for s in p) / len(p) for kind, p in sessions if kind == "holiday"]
    assert statistics.mean(holiday_share) >= 0.35
    holiday_elsewhere = [sum(song[s].holiday for s in p) / len(p) for kind, p in sessions if kind != "holiday"]
    assert statistics.mean(holiday_elsewhere) < 0.01  # seasonal songs stay in their season


def test_crossover_artists_covers_and_holiday_songs(data, genre_of):
    catalogue = mp.generate_catalogue(0)
    labels_of = {}
    for song in catalogue:
        labels_of.setdefault(song.artist, set()).add(song.genre)
    crossover = {a for a, labels in labels_of.items() if len(labels) == 2}
    assert 15 <= len(crossover) <= sum(n for *_, n in mp.CROSSOVERS)  # most crossover artists show both labels
    assert max(len(labels) for labels in labels_of.values()) <= 3  # a cover may add a third
    originals = {}
    for song in catalogue[: -mp.N_COVERS]:
        originals.setdefault(song.title, []).append(song)
    for cover in catalogue[-mp.N_COVERS :]:  # covers come last: an earlier song of another genre, same title
        assert any(o.genre not in cover.scenes[:-1] and o.genre == cover.scenes[-1] for o in originals[cover.title])
    holiday = [s for s in catalogue if s.holiday]
    assert len({s.genre for s in holiday}) == len(mp.GENRES)
    # in the files: a crossover artist's songs share playlists with both of its genres
    artist_of = dict(zip(data["songs"]["song_id"], data["songs"]["artist"], strict=True))
    for artist in sorted(crossover)[:5]:
        home, other = sorted(labels_of[artist])
        around = Counter(
            genre_of[s] for p in data["train"]["song_ids"] if any(artist_of[x] == artist for x in p) for s in p
        )
        assert around[home] > 0 and around[other] > 0, artist


def test_the_charts_appear_in_every_kind_of_playlist(data, genre_of):
    plays = Counter(s for p in data["train"]["song_ids"] for s in p)
    top = plays.most_common(1)[0][0]
    mains = {Counter(genre_of[s] for s in p).most_common(1)[0][0] for p in data["train"]["song_ids"] if top in p}
    assert len(mains) >= 10  # the biggest hit sits in playlists led by most genres
    top_genres = {genre_of[s] for s, _ in plays.most_common(40)}
    assert len(top_genres) >= 5  # and the charts are not one genre


def test_playlists_repeat_artists_in_runs(data):
    artist_of = dict(zip(data["songs"]["song_id"], data["songs"]["artist"], strict=True))
    pairs = [(artist_of[a], artist_of[b]) for p in data["train"]["song_ids"] for a, b in zip(p, p[1:], strict=False)]
    same = sum(a == b for a, b in pairs) / len(pairs)
    assert 0.15 <= same <= 0.6


def test_neighbouring_genres_are_declared_both_ways():
    for genre, (_, neighbours, _) in mp.GENRES.items():
        for other in neighbours:
            assert other in mp.GENRES, other
            assert other != genre
    # at least the pairs the chapter relies on are mutual
    for a, b in [("house", "techno"), ("country", "folk"), ("indie rock", "alt rock"), ("soul", "jazz")]:
        assert b in mp.GENRES[a][1] and a in mp.GENRES[b][1]


def test_names_look_like_names(data):
    artists = set(data["songs"]["artist"])
    titles = data["songs"]["title"]
    assert not any(re.search(r"\d", name) for name in artists | set(titles))
    assert not any(re.fullmatch(r"(Artist|Song|Band) ?\w*", name) for name in artists)
    assert len(set(titles)) >= 0.5 * len(titles)  # varied, though a popular title may recur
    assert len({name.split()[0] for name in artists}) >= 60
    by_artist = {}
    for artist, title in zip(data["songs"]["artist"], titles, strict=True):
        assert title not in by_artist.setdefault(artist, set()), f"{artist} has two songs called {title!r}"
        by_artist[artist].add(title)


def test_load_dataset_offline(capsys):
    data = llmbook_utils.load_dataset("playlists", profile="offline")
    assert set(data) == {"train", "test", "songs"}
    assert "playlists, generated offline stand-in" in capsys.readouterr().out


def test_unknown_data_set_lists_playlists():
    with pytest.raises(llmbook_utils.UnknownDatasetError, match="Known data sets: .*playlists"):
        llmbook_utils.load_dataset("no_such_set", profile="offline")


# --- the online path, on made-up files --------------------------------------------
TRAIN_TXT = "#metadata line one\n0 1 2 3\n 0 1 2 \n4 5\n3\n6 7 8 \n\n"
SONG_HASH = "0\tFirst Song\tSome Band\n1\tSecond Song\tSome Band\n2\tThird\tOther\r\n3\tFourth\n\n"
TAGS_TXT = "7 2\n#\n5\n3 1 9\n"
TAG_HASH = "1, blues\n2, rock\n3, jazz\n5, country\n7, pop\n"


def test_parse_yes_playlists_skips_metadata_and_short_playlists():
    assert pl.parse_yes_playlists(TRAIN_TXT) == [["0", "1", "2"], ["4", "5"], ["6", "7", "8"]]
    assert pl.parse_yes_playlists("header\nheader\n10 11 12\n13\n") == [["10", "11", "12"]]


def test_parse_yes_songs_with_and_without_tags():
    rows = pl.parse_yes_songs(SONG_HASH)
    assert [r["song_id"] for r in rows] == ["0", "1", "2", "3"]
    assert rows[2] == {"song_id": "2", "title": "Third", "artist": "Other", "genre": "unknown"}
    assert rows[3] == {"song_id": "3", "title": "Fourth", "artist": "", "genre": "unknown"}  # no artist given
    tagged = pl.parse_yes_songs(SONG_HASH, TAGS_TXT, pl.parse_yes_tag_names(TAG_HASH))
    assert [r["genre"] for r in tagged] == ["pop", "unknown", "country", "jazz"]


def test_parse_yes_tag_names():
    assert pl.parse_yes_tag_names(TAG_HASH + "not a tag line\n") == {
        "1": "blues",
        "2": "rock",
        "3": "jazz",
        "5": "country",
        "7": "pop",
    }


def test_download_is_trusted_on_first_use_then_verified(tmp_path):
    calls = []

    def fetch(url):
        calls.append(url)
        return b"0 1 2\n"

    target = tmp_path / "yes" / "train.txt"
    assert cache.download_verified("https://example.org/train.txt", target, fetch) == target
    record = tmp_path / "yes" / "train.txt.sha256"
    assert target.read_bytes() == b"0 1 2\n" and len(record.read_text().strip()) == 64
    cache.download_verified("https://example.org/train.txt", target, fetch)
    assert len(calls) == 1, "a cached file must not be downloaded again"

    target.write_bytes(b"0 1 2 tampered\n")
    with pytest.raises(llmbook_utils.ChecksumMismatchError) as err:
        cache.download_verified("https://example.org/train.txt", target, fetch)
    assert str(target) in str(err.value) and str(record) in str(err.value) and "Delete" in str(err.value)


def test_online_path_end_to_end_with_a_fake_server(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("LLMBOOK_CACHE", str(tmp_path))
    files = {"train.txt": "h\nh\n" + "\n".join(f"{i} {i + 1} {i + 2}" for i in range(40)), "song_hash.txt": SONG_HASH}

    def fake_fetch(url):
        name = url.rsplit("/", 1)[1]
        if name not in files:
            raise urllib.error.HTTPError(url, 404, "Not Found", None, None)
        return files[name].encode()

    monkeypatch.setattr(cache, "_fetch", fake_fetch)
    data = pl.load_playlists(profile="laptop")
    assert set(data) == {"train", "test", "songs"}
    assert (len(data["train"]), len(data["test"])) == (38, 2)  # 5% held out
    assert data["train"].column_names == ["playlist_id", "song_ids"]
    assert sorted([*data["train"]["playlist_id"], *data["test"]["playlist_id"]]) == list(range(40))
    assert data["test"][0]["song_ids"] == [str(data["test"][0]["playlist_id"] + k) for k in range(3)]
    assert set(data["songs"]["genre"]) == {"unknown"}  # no tag files on this server
    out = capsys.readouterr().out
    assert "recorded sha256" in out and "no tag files" in out and "Cornell yes_complete" in out
    assert (tmp_path / "yes_complete" / "train.txt.sha256").is_file()
