"""Write the offline ``playlists`` data set into data/playlists/ (seeded, reproducible).

    python scripts/make_playlists.py            # (re)write the files
    python scripts/make_playlists.py --check    # exit 1 if the committed files differ from a fresh run

The set stands in for Cornell's yes_complete radio playlists (which the book uses) when
there is no network. It is generated, not written by hand. Files: ``train.jsonl`` and
``test.jsonl`` (``{"playlist_id", "song_ids"}``) and ``songs.jsonl`` (``{"song_id",
"title", "artist", "genre"}``).

Design. A first version drew every playlist from one or two related genres; word2vec
then found perfectly separated genre islands, which real listening does not produce.
Real playlists cross genres for reasons a genre label does not record, so the
generator now has five kinds of playlist and a catalogue with songs between genres:

* **Catalogue.** 14 genres (some neighbours, like house and techno) of fictional
  artists whose popularity has a long tail (Zipf-like by artist rank, 1/rank within a
  discography). 29 artists (about one in thirteen) are **crossover** artists between two genres
  (a country-pop singer, a rap-rock band, a folk-electronic producer, ...): each of their
  songs is labelled with one of the two genres and is played by listeners of both.
  **Covers** re-record a well-known song of another genre under its title; a cover is
  played by the cover artist's listeners and the original's. A few songs per genre
  are **holiday songs**, rarely played except in holiday playlists. Every artist has
  hidden **moods** (workout, study, dinner party, road trip, wedding, throwback, party)
  that its genre makes more or less likely; most of its songs carry them.
* **Playlists** (length log-normal, 5 to 80 songs; no song repeats):
  *genre sessions* (about 40 %): one genre, often a neighbouring one, rarely an unrelated
  one, with runs of one artist; *broad-taste sessions* (about 20 %): a listener whose
  taste spans 3-5 genres, mixing neighbours and unrelated ones; *mood playlists*
  (about 28 %): songs of one mood from unrelated genres (workout: hip hop, metal, house,
  pop, ...), fewer artist runs, as curated lists have; *chart playlists* (about 7 %):
  mostly the global top of the charts; *holiday playlists* (about 5 %): holiday songs of
  every genre with a few hits. Every kind picks up an occasional chart hit, so the
  charts appear everywhere, as they do on real radio.

Why these: each one is a reason that two songs of different genres share a playlist in
real data (an activity, a broad listener, an artist or song that belongs to two
scenes, a hit, a season), and each leaves a trace word2vec can find or be confused by.
What stays artificial: the genre labels are exact (one per song, from the generator),
moods and seasons are sharp categories, and there is no time, no user identity, no
skips or repeats, and no audio.
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

# crossover artists: (home genre, other genre, how many); the home genre names them
CROSSOVERS: tuple[tuple[str, str, int], ...] = (
    ("country", "pop", 4),  # country-pop singers
    ("hip hop", "alt rock", 2),  # rap-rock bands
    ("folk", "house", 2),  # folk-electronic producers
    ("jazz", "hip hop", 2),  # jazz rap
    ("punk", "pop", 3),  # pop punk
    ("r&b", "house", 3),  # dance r&b
    ("soul", "pop", 2),
    ("metal", "techno", 2),  # industrial
    ("indie rock", "house", 2),  # indie dance
    ("drum & bass", "soul", 2),  # liquid drum & bass
    ("country", "folk", 3),  # americana
    ("alt rock", "pop", 2),
)
N_COVERS = 40  # songs re-recorded by an artist of another genre

# mood -> (share of mood playlists, genre -> chance an artist of that genre has the mood)
MOODS: dict[str, tuple[float, dict[str, float]]] = {
    "workout": (
        1.4,
        {"hip hop": 0.6, "metal": 0.5, "house": 0.5, "pop": 0.4, "drum & bass": 0.5, "punk": 0.3, "techno": 0.4},
    ),
    "study": (1.0, {"jazz": 0.6, "folk": 0.5, "indie rock": 0.3, "techno": 0.2, "soul": 0.2, "drum & bass": 0.2}),
    "dinner party": (0.7, {"jazz": 0.5, "soul": 0.6, "r&b": 0.4, "folk": 0.3, "indie rock": 0.2, "pop": 0.2}),
    "road trip": (
        1.0,
        {"country": 0.5, "alt rock": 0.5, "indie rock": 0.5, "pop": 0.3, "folk": 0.3, "hip hop": 0.2, "punk": 0.2},
    ),
    "wedding": (0.6, {"pop": 0.4, "soul": 0.6, "r&b": 0.5, "country": 0.3, "house": 0.2, "hip hop": 0.2}),
    "throwback": (
        0.8,
        {"soul": 0.4, "r&b": 0.4, "pop": 0.3, "alt rock": 0.3, "punk": 0.3, "hip hop": 0.3, "house": 0.2},
    ),
    "party": (1.2, {"pop": 0.5, "hip hop": 0.5, "house": 0.5, "r&b": 0.3, "techno": 0.3, "drum & bass": 0.2}),
}

# kind of playlist -> share of all playlists
KINDS: dict[str, float] = {"genre": 0.40, "broad": 0.20, "mood": 0.28, "charts": 0.07, "holiday": 0.05}
N_CHART = 40  # the global top of the charts: the most popular songs of the whole catalogue
HOLIDAY_PER_GENRE = 4

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


_HOLIDAY_ADJ = "Snowbound|December|Tinsel|Frosty|Candlelit|Midwinter|Silver Bell|Jingle|Evergreen|Mistletoe".split("|")
_HOLIDAY_NOUN = "Morning|Lights|Parade|Kiss|Sleigh Ride|Wish|Night|Fireplace|Homecoming|Waltz|Market".split("|")


@dataclass(frozen=True)
class Song:
    """One song of the generated catalogue; ``weight`` is its (long-tailed) popularity.

    ``genre`` is the label written to songs.jsonl; ``scenes`` are the genres whose
    listeners play it (more than one for crossover artists and covers), ``moods`` the
    mood playlists it fits, ``holiday`` whether it is a seasonal song.
    """

    song_id: str
    title: str
    artist: str
    genre: str
    weight: float
    scenes: tuple[str, ...] = ()
    moods: tuple[str, ...] = ()
    holiday: bool = False


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
    genres differ in size and popularity too. Crossover artists (``CROSSOVERS``) sit at
    random ranks below the top of their home genre; a few artists per genre add a
    holiday song; ``N_COVERS`` covers of well-known songs come last.
    """
    rng = random.Random(f"catalogue-{seed}")
    slots: dict[str, list[str]] = {g: [] for g in GENRES}
    for home, other, count in CROSSOVERS:
        slots[home] += [other] * count
    songs: list[Song] = []
    used_artists: set[str] = set()
    artists: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []  # (name, scenes, moods)
    for genre, (genre_weight, _, style) in GENRES.items():
        n_artists = rng.randint(*artists_per_genre)
        artist_w = [1.0 / (rank + 1) ** 1.3 for rank in range(n_artists)]
        genre_scale = genre_weight / sum(artist_w)
        other_at = dict(zip(rng.sample(range(1, n_artists), len(slots[genre])), slots[genre], strict=True))
        holiday_at = set(rng.sample(range(n_artists), HOLIDAY_PER_GENRE))
        for rank in range(n_artists):
            artist = _artist_name(rng, style)
            while artist in used_artists:
                artist = _artist_name(rng, style)
            used_artists.add(artist)
            other = other_at.get(rank)
            scenes = (genre,) if other is None else (genre, other)
            moods = tuple(
                m for m, (_, affinity) in MOODS.items() if rng.random() < max(affinity.get(g, 0.03) for g in scenes)
            )
            artists.append((artist, scenes, moods))
            n_songs = min(16, 3 + int(rng.expovariate(1 / 5)))
            song_w = [1.0 / (k + 1) for k in range(n_songs)]
            titles: set[str] = set()
            for k in range(n_songs):
                title = _song_title(rng, style)
                while title in titles:
                    title = _song_title(rng, style)
                titles.add(title)
                weight = genre_scale * artist_w[rank] * song_w[k] / sum(song_w)
                label = genre if other is None or rng.random() < 0.6 else other
                song_moods = tuple(m for m in moods if rng.random() < 0.75)
                songs.append(Song(str(len(songs)), title, artist, label, weight, scenes, song_moods))
            if rank in holiday_at:
                title = f"{rng.choice(_HOLIDAY_ADJ)} {rng.choice(_HOLIDAY_NOUN)}"
                weight = genre_scale * artist_w[rank] * song_w[-1] / sum(song_w)
                songs.append(Song(str(len(songs)), title, artist, genre, weight, scenes, (), holiday=True))
    # covers: a well-known song of one genre, re-recorded by an artist of another
    known = sorted((s for s in songs if not s.holiday), key=lambda s: -s.weight)[:300]
    titles_of: dict[str, set[str]] = {}
    for song in songs:
        titles_of.setdefault(song.artist, set()).add(song.title)
    covered: set[str] = set()
    while len(covered) < N_COVERS:
        original = rng.choice(known)
        artist, scenes, moods = rng.choice(artists)
        if original.song_id in covered or original.genre in scenes or original.title in titles_of[artist]:
            continue
        covered.add(original.song_id)
        titles_of[artist].add(original.title)
        weight = original.weight * rng.uniform(0.1, 0.4)
        songs.append(Song(str(len(songs)), original.title, artist, scenes[0], weight, (*scenes, original.genre), moods))
    return songs


class _Draft:
    """A playlist being drawn: its song ids so far, its length and its taste for hits."""

    def __init__(self, rng: random.Random, length: int, taste: float) -> None:
        self.rng, self.length, self.taste = rng, length, taste
        self.ids: list[str] = []
        self.seen: set[str] = set()

    def add(self, song: Song) -> None:
        """Append ``song`` unless it is already in the playlist or the playlist is full."""
        if song.song_id not in self.seen and len(self.ids) < self.length:
            self.ids.append(song.song_id)
            self.seen.add(song.song_id)

    def pick(self, songs: Sequence[Song]) -> Song:
        """One of ``songs``, by popularity flattened by the taste (< 1: deeper cuts)."""
        return self.rng.choices(songs, [s.weight**self.taste for s in songs])[0]


def generate_sessions(catalogue: Sequence[Song], n: int, seed: int = 0) -> list[tuple[str, list[str]]]:
    """Draw ``n`` playlists from ``catalogue``: (kind, song ids) pairs, kinds as in ``KINDS``.

    Every playlist has a length from a skewed distribution (5 to 80 songs) and a taste
    for hits (``taste`` < 1 flattens popularity: deeper cuts); no song repeats. Genre and
    broad-taste sessions add runs of 1-4 songs by one artist; mood playlists take one or
    two songs per artist; every kind picks up a chart hit now and then.
    """
    rng = random.Random(f"playlists-{seed}")
    genres = list(GENRES)
    genre_w = [GENRES[g][0] for g in genres]
    by_scene: dict[str, dict[str, list[Song]]] = {g: {} for g in genres}
    by_mood: dict[str, dict[str, list[Song]]] = {m: {} for m in MOODS}
    for song in catalogue:
        if song.holiday:
            continue
        for scene in song.scenes:
            by_scene[scene].setdefault(song.artist, []).append(song)
        for mood in song.moods:
            by_mood[mood].setdefault(song.genre, []).append(song)
    discographies = {g: list(by_scene[g].values()) for g in genres}
    artist_weight = {g: [sum(s.weight for s in songs) for songs in discographies[g]] for g in genres}
    chart = sorted((s for s in catalogue if not s.holiday), key=lambda s: -s.weight)[:N_CHART]
    holiday = [s for s in catalogue if s.holiday]
    kinds, kind_w = list(KINDS), list(KINDS.values())
    moods, mood_w = list(MOODS), [share for share, _ in MOODS.values()]

    sessions = []
    for _ in range(n):
        kind = rng.choices(kinds, kind_w)[0]
        taste = rng.uniform(0.6, 1.0)
        length = max(5, min(80, round(rng.lognormvariate(math.log(18), 0.55))))
        draft = _Draft(rng, length, taste)
        add, pick = draft.add, draft.pick

        main = rng.choices(genres, genre_w)[0]
        if kind == "genre":  # one genre, often a neighbour, rarely an unrelated one
            roll = rng.random()
            if roll < 0.35:
                mixture, mix_w = [main], [1.0]
            elif roll < 0.85:
                mixture, mix_w = [main, rng.choice(GENRES[main][1])], [1.0, rng.uniform(0.3, 1.0)]
            else:
                mixture = [main, rng.choice([g for g in genres if g != main])]
                mix_w = [1.0, rng.uniform(0.15, 0.5)]
        else:  # a broad listener (and the genre part of chart and holiday playlists): 3-5 genres,
            # each a neighbour of the taste so far or anything popular
            mixture, n_genres = [main], rng.randint(3, 5)
            while len(mixture) < n_genres:
                near = [g for g in GENRES[rng.choice(mixture)][1] if g not in mixture]
                far = [g for g in genres if g not in mixture]
                if near and rng.random() < 0.5:
                    mixture.append(rng.choice(near))
                else:
                    mixture.append(rng.choices(far, [GENRES[g][0] for g in far])[0])
            mix_w = [rng.uniform(0.3, 1.0) for _ in mixture]
        pick_artist = {g: list(accumulate(w**taste for w in artist_weight[g])) for g in mixture}
        mood = rng.choices(moods, mood_w)[0]
        mood_genres = [g for g in genres if by_mood[mood].get(g)]
        mood_genre_w = [MOODS[mood][1].get(g, 0.03) for g in mood_genres]

        attempts = 0
        while len(draft.ids) < length and attempts < 20 * length:
            attempts += 1
            roll = rng.random()
            if roll < 0.06 or (kind == "charts" and roll < 0.6) or (kind == "holiday" and roll < 0.2):
                add(rng.choice(chart))
            elif kind == "holiday" and roll < 0.75:
                add(pick(holiday))
            elif kind == "mood":
                genre = rng.choices(mood_genres, mood_genre_w)[0]
                song = pick(by_mood[mood][genre])
                add(song)
                if rng.random() < 0.3:  # now and then a second song by the same artist
                    more = [s for s in by_mood[mood][genre] if s.artist == song.artist and s.song_id not in draft.seen]
                    if more:
                        add(pick(more))
            else:  # genre, broad, and the rest of charts and holiday playlists
                genre = rng.choices(mixture, mix_w)[0]
                discography = rng.choices(discographies[genre], cum_weights=pick_artist[genre])[0]
                for _ in range(min(4, 1 + int(rng.expovariate(1.3)))):
                    fresh = [s for s in discography if s.song_id not in draft.seen]
                    if not fresh:
                        break
                    add(pick(fresh))
        sessions.append((kind, draft.ids))
    return sessions


def generate_playlists(catalogue: Sequence[Song], n: int, seed: int = 0) -> list[list[str]]:
    """Draw ``n`` playlists (lists of song ids) from ``catalogue``; see ``generate_sessions``."""
    return [playlist for _, playlist in generate_sessions(catalogue, n, seed)]


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
