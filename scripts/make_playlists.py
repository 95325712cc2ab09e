"""Write the offline ``playlists`` data set into data/playlists/ (seeded, reproducible).

    python scripts/make_playlists.py            # (re)write the files
    python scripts/make_playlists.py --check    # exit 1 if the committed files differ from a fresh run

The set stands in for Cornell's yes_complete radio playlists (which the book uses) when
there is no network. It is generated, not written by hand: a catalogue of fictional
artists and songs in 14 genres (some of them neighbours, like house and techno) whose
popularity has a long tail, and playlists drawn like listening sessions: mostly one or
two related genres, popular songs more often than obscure ones, and runs of the same
artist. Files: ``train.jsonl`` and ``test.jsonl`` (``{"playlist_id", "song_ids"}``) and
``songs.jsonl`` (``{"song_id", "title", "artist", "genre"}``).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "playlists"
SEED, N_TRAIN, N_TEST = 0, 4000, 600

# genre -> (relative popularity, neighbouring genres, naming style)
GENRES: dict[str, tuple[float, tuple[str, ...], str]] = {
    "indie rock": (1.0, ("alt rock", "folk", "pop"), "band"),
    "alt rock": (0.9, ("indie rock", "punk", "metal"), "band"),
    "punk": (0.5, ("alt rock", "metal"), "punk"),
    "metal": (0.6, ("punk", "alt rock"), "metal"),
    "pop": (1.6, ("r&b", "house", "indie rock"), "singer"),
    "r&b": (1.0, ("soul", "hip hop", "pop"), "singer"),
    "soul": (0.5, ("r&b", "jazz"), "singer"),
    "hip hop": (1.4, ("r&b",), "rapper"),
    "house": (0.8, ("techno", "pop"), "electronic"),
    "techno": (0.6, ("house", "drum & bass"), "electronic"),
    "drum & bass": (0.4, ("techno",), "electronic"),
    "country": (1.0, ("folk",), "country"),
    "folk": (0.6, ("country", "indie rock"), "folk"),
    "jazz": (0.4, ("soul",), "jazz"),
}

# --- word lists for names (written for this course) -------------------------------
_FIRST = (
    "Ava Mateo Priya Jonah Lena Tomas Imani Felix Noor Caleb Mina Rafael Elsie Dario Keiko Marcus Ines Oskar "
    "Zara Theo Amara Luca Hazel Idris Yara Silas Nadia Emil Rosa Jalen Wren Otis Leila Hugo Maren Desmond "
    "Celia Arlo Sunny Viktor June Malik Greta Soren Lucia Roscoe Esme Dante Cleo Ike"
).split()
_LAST = (
    "Calloway Okafor Lindqvist Moreau Castellanos Whitlock Nakamura Brennan Adeyemi Sorensen Delacroix Hartley "
    "Vasquez Kowalski Ashby Fontaine Marsh Quinlan Abernathy Reyes Holloway Petrov Sinclair Tanaka Whitaker "
    "Ferreira Lowell Mercer Oyelaran Bellamy Strand Carver Dumont Achebe Rourke Vance Lacroix Pryor Haldane"
).split()
_BAND_ADJ = (
    "Velvet Paper Silver Hollow Electric Quiet Broken Golden Neon Wild Static Lonesome Crooked Amber Northern "
    "Midnight Painted Restless Burning Glass Foreign Sleepy Secret Distant"
).split()
_BAND_NOUN = (
    "Lanterns Foxes Harbors Satellites Pilots Orchards Ghosts Arrows Tides Sparrows Engines Wolves Magnets "
    "Comets Radios Mirrors Strangers Rivers Lions Saints Antlers Motels Parades Kites"
).split()
_METAL_ADJ = "Iron Obsidian Ashen Grim Black Frozen Blood Storm Molten Serpent Shadow Rust Bone Thunder".split()
_METAL_NOUN = "Throne Cathedral Oath Abyss Requiem Monolith Dominion Tempest Pyre Covenant Legion Citadel".split()
_PUNK_ADJ = "Cheap Loud Rotten Bored Teenage Sick Suburban Angry Rusty Nervous Broke Useless".split()
_PUNK_NOUN = "Riot Youth Habits Pills Kids Sirens Nerves Vandals Dogs Brats Static Alarms".split()
_ELEC_PRE = "Sub Lum Kry Vex Neo Syn Aur Dyna Mono Poly Hex Flux Zen Orb Kin Ozo".split()
_ELEC_SUF = "grid tek ora wave phase form tone core sync drift lux metric tronic field".split()
_ELEC_WORD = "Pulse Night Signal Circuit Vector Prism Echo Orbit Cipher Tempo Vapor Kinetic".split()
_ELEC_WORD2 = "Theory System Unit Club Collective Machine Dept. Archive Protocol Society".split()
_NICK = "Ace Blaze Dice Jinx Nova Rook Saint Slim Tank Vibe Cash Duke Flex Kilo Lucky Rico Smoke Zeus".split()
_FOLK_NOUN = "Willow Bramble Birch Heron Juniper Sparrow Thistle Alder Hollow Meadow Cedar Lark".split()
_TITLE_ADJ = (
    "Midnight Electric Paper Silver Slow Golden Quiet Wild Blue Lonely Burning Endless Broken Sweet Hollow "
    "Crimson Restless Faded Little Neon Summer Winter Distant Borrowed Velvet Heavy Sunday Tender Secret"
).split()
_TITLE_NOUN = (
    "Heart Highway River Light Dream Fire Window Shadow Ocean Garden Signal Letter Mirror Train Harbor Sky "
    "Engine Promise Stranger Echo Season Radio Horizon Island Morning City Thunder Satellite Memory Rain "
    "Kingdom Ghost Fever Diamond Wire Parade Lullaby Compass"
).split()
_TITLE_VERB = (
    "Run|Fall|Hold On|Wait|Dance|Remember|Call Me|Drive|Shine|Breathe|Carry Me|Let Go|Come Home|Stay|Burn|Hide"
).split("|")
_TITLE_TAIL = "Tonight|Forever|Again|With Me|Slowly|Away|All Night|For You|Till Morning".split("|")
_PLACES = "Paris|the Dark|Tokyo|the Valley|Memphis|the Rain|Lisbon|Berlin|the Desert|Brooklyn|Marseille|Lagos".split(
    "|"
)
_MIXES = "Extended Mix|Club Edit|Dub|Original Mix|Night Version|Radio Edit".split("|")


@dataclass(frozen=True)
class Song:
    """One song of the generated catalogue; ``weight`` is its (long-tailed) popularity."""

    song_id: str
    title: str
    artist: str
    genre: str
    weight: float


# --- offline generator ------------------------------------------------------------
def _artist_name(rng: random.Random, style: str) -> str:
    c = rng.choice
    patterns: dict[str, list[Callable[[], str]]] = {
        "band": [
            lambda: f"The {c(_BAND_ADJ)} {c(_BAND_NOUN)}",
            lambda: f"{c(_BAND_ADJ)} {c(_TITLE_NOUN)}",
            lambda: f"{c(_FIRST)} & the {c(_BAND_NOUN)}",
        ],
        "punk": [lambda: f"{c(_PUNK_ADJ)} {c(_PUNK_NOUN)}", lambda: f"The {c(_PUNK_NOUN)}"],
        "metal": [lambda: f"{c(_METAL_ADJ)} {c(_METAL_NOUN)}", lambda: f"{c(_METAL_NOUN)} of {c(_METAL_ADJ)}"],
        "electronic": [
            lambda: f"{c(_ELEC_PRE)}{c(_ELEC_SUF)}",
            lambda: f"DJ {c(_FIRST)}",
            lambda: f"{c(_ELEC_WORD)} {c(_ELEC_WORD2)}",
        ],
        "rapper": [
            lambda: f"MC {c(_NICK)}",
            lambda: f"Lil {c(_NICK)}",
            lambda: f"Young {c(_NICK)}",
            lambda: f"{c(_NICK)} {c(_LAST)}",
        ],
        "singer": [lambda: f"{c(_FIRST)} {c(_LAST)}", lambda: c(_FIRST).upper()],
        "country": [
            lambda: f"{c(_FIRST)} {c(_LAST)}",
            lambda: f"The {c(_LAST)} Brothers",
            lambda: f"{c(_FIRST)} {c(_LAST)} Band",
        ],
        "folk": [lambda: f"{c(_LAST)} & {c(_LAST)}", lambda: f"{c(_FOLK_NOUN)} & {c(_FOLK_NOUN)}"],
        "jazz": [lambda: f"{c(_FIRST)} {c(_LAST)} Trio", lambda: f"{c(_FIRST)} {c(_LAST)} Quartet"],
    }
    return rng.choice(patterns[style])()


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2] not in "aeiou" else noun + "s"


def _song_title(rng: random.Random, style: str) -> str:
    c = rng.choice
    patterns: list[Callable[[], str]] = [
        lambda: f"{c(_TITLE_ADJ)} {c(_TITLE_NOUN)}",
        lambda: f"{c(_TITLE_NOUN)} in {c(_PLACES)}",
        lambda: f"{c(_TITLE_VERB)} {c(_TITLE_TAIL)}",
        lambda: f"Don't {c(_TITLE_VERB)}",
        lambda: f"The {c(_TITLE_NOUN)} Song",
        lambda: f"{c(_TITLE_NOUN)} & {c(_TITLE_NOUN)}",
        lambda: _plural(c(_TITLE_NOUN)),
    ]
    title = rng.choice(patterns)()
    if style == "electronic" and rng.random() < 0.4:
        title += f" ({c(_MIXES)})"
    elif style == "jazz" and rng.random() < 0.4:
        title = rng.choice([f"{c(_TITLE_NOUN)} Blues", f"Waltz for {c(_FIRST)}", f"{c(_PLACES)} Nocturne"])
    elif style in ("country", "folk") and rng.random() < 0.25:
        title = rng.choice([f"Ballad of {c(_FIRST)}", f"{c(_FIRST)}'s {c(_TITLE_NOUN)}"])
    return title[0].upper() + title[1:]


def generate_catalogue(seed: int = 0, artists_per_genre: tuple[int, int] = (20, 32)) -> list[Song]:
    """Make a catalogue of fictional songs (ids "0", "1", ...), deterministic for ``seed``.

    Within a genre, artist popularity falls off as a power of the artist's rank
    (Zipf-like, exponent 1.3), and a song's as 1/rank within its artist's songs;
    genres differ in size and popularity too.
    """
    rng = random.Random(f"catalogue-{seed}")
    songs: list[Song] = []
    used_artists: set[str] = set()
    for genre, (genre_weight, _, style) in GENRES.items():
        n_artists = rng.randint(*artists_per_genre)
        artist_w = [1.0 / (rank + 1) ** 1.3 for rank in range(n_artists)]
        genre_scale = genre_weight / sum(artist_w)
        for rank in range(n_artists):
            artist = _artist_name(rng, style)
            while artist in used_artists:
                artist = _artist_name(rng, style)
            used_artists.add(artist)
            n_songs = min(16, 3 + int(rng.expovariate(1 / 5)))
            song_w = [1.0 / (k + 1) for k in range(n_songs)]
            titles: set[str] = set()
            for k in range(n_songs):
                title = _song_title(rng, style)
                while title in titles:
                    title = _song_title(rng, style)
                titles.add(title)
                weight = genre_scale * artist_w[rank] * song_w[k] / sum(song_w)
                songs.append(Song(str(len(songs)), title, artist, genre, weight))
    return songs


def generate_playlists(catalogue: Sequence[Song], n: int, seed: int = 0) -> list[list[str]]:
    """Draw ``n`` playlists (lists of song ids) from ``catalogue`` like listening sessions.

    Each playlist picks a main genre by popularity and often a neighbouring (rarely an
    unrelated) second one, a length from a skewed distribution (5 to 80 songs), and a
    taste for hits (some playlists dig deeper into the catalogue). It then adds runs of
    1-4 songs by one artist, with an occasional big hit from anywhere. No song repeats.
    """
    rng = random.Random(f"playlists-{seed}")
    by_genre: dict[str, dict[str, list[Song]]] = {g: {} for g in GENRES}
    for song in catalogue:
        by_genre[song.genre].setdefault(song.artist, []).append(song)
    genres = list(GENRES)
    genre_w = [GENRES[g][0] for g in genres]
    discographies = {g: list(by_genre[g].values()) for g in genres}
    artist_weight = {g: [sum(s.weight for s in songs) for songs in discographies[g]] for g in genres}
    hits = sorted(catalogue, key=lambda s: -s.weight)[: max(1, len(catalogue) // 20)]
    playlists = []
    for _ in range(n):
        main = rng.choices(genres, genre_w)[0]
        roll = rng.random()
        if roll < 0.35:
            mixture, mix_w = [main], [1.0]
        elif roll < 0.85:
            mixture, mix_w = [main, rng.choice(GENRES[main][1])], [1.0, rng.uniform(0.3, 1.0)]
        else:
            mixture, mix_w = [main, rng.choice([g for g in genres if g != main])], [1.0, rng.uniform(0.15, 0.5)]
        taste = rng.uniform(0.6, 1.0)  # < 1 flattens popularity: deeper cuts
        pick_artist = {g: list(accumulate(w**taste for w in artist_weight[g])) for g in mixture}
        length = max(5, min(80, round(rng.lognormvariate(math.log(18), 0.55))))
        playlist: list[str] = []
        seen: set[str] = set()
        attempts = 0
        while len(playlist) < length and attempts < 20 * length:
            attempts += 1
            if rng.random() < 0.06:
                song = rng.choice(hits)
                if song.song_id not in seen:
                    playlist.append(song.song_id)
                    seen.add(song.song_id)
                continue
            genre = rng.choices(mixture, mix_w)[0]
            discography = rng.choices(discographies[genre], cum_weights=pick_artist[genre])[0]
            run = min(4, 1 + int(rng.expovariate(1.3)))
            for _ in range(run):
                fresh = [s for s in discography if s.song_id not in seen]
                if not fresh or len(playlist) >= length:
                    break
                song = rng.choices(fresh, [s.weight**taste for s in fresh])[0]
                playlist.append(song.song_id)
                seen.add(song.song_id)
        playlists.append(playlist)
    return playlists


def build(seed: int = SEED, n_train: int = N_TRAIN, n_test: int = N_TEST) -> dict[str, str]:
    """File name -> file contents (JSON lines) of the data set, deterministic for ``seed``."""
    catalogue = generate_catalogue(seed)
    playlists = generate_playlists(catalogue, n_train + n_test, seed)

    def lines(rows: list[dict]) -> str:
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)

    return {
        "train.jsonl": lines([{"playlist_id": i, "song_ids": p} for i, p in enumerate(playlists[:n_train])]),
        "test.jsonl": lines([{"playlist_id": n_train + i, "song_ids": p} for i, p in enumerate(playlists[n_train:])]),
        "songs.jsonl": lines(
            [{"song_id": s.song_id, "title": s.title, "artist": s.artist, "genre": s.genre} for s in catalogue]
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    args = parser.parse_args(argv)
    files = build()
    if args.check:
        stale = [
            name
            for name, text in files.items()
            if not (OUT / name).is_file() or (OUT / name).read_text(encoding="utf-8") != text
        ]
        if stale:
            print(f"data/playlists is stale ({', '.join(stale)}): run python scripts/make_playlists.py")
            return 1
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote {OUT / name} ({text.count(chr(10)):,} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
