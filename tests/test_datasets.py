import json
import re
from collections import Counter

import pytest

from llmbook_utils import MissingDataError, UnknownDatasetError, UnknownModelError, UnknownNameError, load_dataset
from llmbook_utils import datafiles as ds


def norm(text):
    return re.sub(r"\W+", " ", text.lower()).strip()


def rows(name, split):
    return [json.loads(line) for line in ds.local_files(name)[split].read_text().splitlines()]


@pytest.mark.parametrize(
    ("name", "sizes"),
    [
        ("rotten_tomatoes", {"train": 1214, "validation": 162, "test": 244}),
        ("product_posts", {"train": 200, "test": 60}),
    ],
)
def test_offline_sets_are_balanced_unique_and_disjoint(name, sizes):
    seen = {}
    for split, size in sizes.items():
        data = rows(name, split)
        assert len(data) == size
        labels = Counter(r["label"] for r in data)
        assert labels == {0: size // 2, 1: size // 2}, (split, labels)
        for r in data:
            assert isinstance(r["text"], str) and len(r["text"].split()) >= 2
            key = norm(r["text"])
            assert key not in seen, f"duplicate text in {split} and {seen.get(key)}: {r['text']!r}"
            seen[key] = split


def test_reviews_vary_in_length():
    lengths = sorted(
        len(r["text"].split()) for s in ("train", "validation", "test") for r in rows("rotten_tomatoes", s)
    )
    assert len(lengths) >= 600
    assert lengths[len(lengths) // 10] <= 10 and lengths[-len(lengths) // 10] >= 30


def test_load_dataset_offline_matches_the_hub_columns(capsys):
    data = load_dataset("rotten_tomatoes", profile="offline")
    assert set(data) == {"train", "validation", "test"}
    assert data["train"].column_names == ["text", "label"]
    assert "offline stand-in for cornell-movie-review-data/rotten_tomatoes" in capsys.readouterr().out


def test_unknown_data_set():
    with pytest.raises(UnknownDatasetError, match="Unknown data set 'imdb'. Known data sets: .*rotten_tomatoes"):
        load_dataset("imdb", profile="offline")


def test_unknown_names_behave_alike():
    """An unknown model and an unknown data set raise the same kind of error, worded the same way."""
    from llmbook_utils import resolve

    with pytest.raises(UnknownNameError) as model_err:
        resolve("nobody/nothing", profile="offline")
    with pytest.raises(UnknownNameError) as data_err:
        load_dataset("nothing", profile="offline")
    assert isinstance(model_err.value, UnknownModelError) and isinstance(data_err.value, LookupError)
    assert str(model_err.value).startswith("Unknown model 'nobody/nothing'")
    assert str(data_err.value).startswith("Unknown data set 'nothing'")


def test_malformed_data_file_names_file_and_line(monkeypatch, tmp_path):
    folder = tmp_path / "product_posts"
    folder.mkdir()
    (folder / "train.jsonl").write_text('{"text": "fine", "label": 1}\n{"text": "broken", \n')
    (folder / "test.jsonl").write_text('{"text": "fine", "label": 1}\n')
    monkeypatch.setenv("LLMBOOK_DATA", str(tmp_path))
    with pytest.raises(MissingDataError, match=r"train.jsonl, line 2, is not valid JSON"):
        load_dataset("product_posts", profile="offline")


def test_missing_data_file_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setenv("LLMBOOK_DATA", str(tmp_path))
    with pytest.raises(MissingDataError) as err:
        load_dataset("rotten_tomatoes", profile="offline")
    message = str(err.value)
    assert str(tmp_path / "rotten_tomatoes" / "train.jsonl") in message
    assert "LLMBOOK_DATA" in message


def test_abstracts_are_balanced_unique_and_held_out():
    train, heldout = rows("arxiv_nlp", "train"), rows("arxiv_nlp", "heldout")
    assert len(train) >= 300 and len(heldout) >= 60
    for split in (train, heldout):
        assert set(split[0]) == {"Titles", "Abstracts", "field"}
        counts = Counter(r["field"] for r in split)
        assert len(counts) >= 8 and max(counts.values()) == min(counts.values()), counts
    assert set(r["field"] for r in train) == set(r["field"] for r in heldout)
    seen = {}
    for split_name, split in (("train", train), ("heldout", heldout)):
        for r in split:
            for key in (norm(r["Titles"]), norm(r["Abstracts"])):
                assert key not in seen, f"{split_name} repeats a {seen.get(key)} title or abstract: {key[:60]!r}"
                seen[key] = split_name
    lengths = sorted(len(r["Abstracts"].split()) for r in train)
    assert lengths[0] < 70 and lengths[-1] > 200, "abstracts should vary in length"
    openings = Counter(" ".join(r["Abstracts"].split()[:3]).lower() for r in train + heldout)
    assert openings.most_common(1)[0][1] <= 3, f"templated openings: {openings.most_common(3)}"


def test_load_dataset_abstracts_offline(capsys):
    data = load_dataset("arxiv_nlp", profile="offline")
    assert set(data) == {"train", "heldout"}
    assert data["train"].column_names == ["Titles", "Abstracts", "field"]
    assert "offline stand-in for maartengr/arxiv_nlp" in capsys.readouterr().out


def test_search_collection_and_questions():
    documents, questions = rows("glass_orchard", "documents"), rows("glass_orchard", "questions")
    by_id = {d["doc_id"]: d for d in documents}
    assert len(by_id) == len(documents) >= 21
    assert len(by_id["main"]["text"].split()) >= 2500
    assert len(questions) >= 40 and len({q["qid"] for q in questions}) == len(questions)
    kinds = Counter(q["type"] for q in questions)
    assert kinds["unanswerable"] >= 5 and kinds["paraphrase"] >= 10 and kinds["multi"] >= 5, kinds
    assert sum(q["split"] == "heldout" for q in questions) >= 15
    for q in questions:
        assert q["split"] in {"main", "heldout"}
        if q["type"] == "unanswerable":
            assert not q["evidence"] and not q["answer"], q["qid"]
            continue
        assert any(e["grade"] == 2 for e in q["evidence"]), q["qid"]
        for e in q["evidence"]:
            assert e["grade"] in (1, 2)
            assert e["quote"] in by_id[e["doc_id"]]["text"], f"{q['qid']}: quote not found in {e['doc_id']}"


def test_reranker_pairs_do_not_touch_the_search_collection():
    pairs = rows("rerank_pairs", "train")
    assert len(pairs) >= 100
    for r in pairs:
        assert len(r["positives"]) == 2 and len(r["hard_negatives"]) == 2
    collection = " ".join(d["text"] for d in rows("glass_orchard", "documents")).lower()
    questions = {norm(q["question"]) for q in rows("glass_orchard", "questions")}
    for r in pairs:
        assert norm(r["passage"][:80]) not in norm(collection)
        assert not ({norm(q) for q in r["positives"] + r["hard_negatives"]} & questions)
    for name in ("Glass Orchard", "Ferreday", "Kelderwick"):  # the chapter's invented world stays out of training
        assert not any(name.lower() in r["passage"].lower() for r in pairs), name


def test_agent_tasks_have_checkable_answers():
    tasks = rows("agent_tasks", "tasks")
    documents = " ".join(d["text"] for d in rows("glass_orchard", "documents"))
    assert len(tasks) >= 15 and len({t["tid"] for t in tasks}) == len(tasks)
    assert Counter(tuple(t["tools"]) for t in tasks) == {
        ("calculator",): 8,
        ("search",): 8,
        ("search", "calculator"): 8,
    }
    for t in tasks:
        assert t["accept"] and all(a == a.lower() for a in t["accept"]), t["tid"]
        assert any(a in t["answer"].lower().replace(",", "") for a in t["accept"]) or any(
            a in t["answer"].lower() for a in t["accept"]
        ), t["tid"]
        assert bool(t["evidence"]) == ("search" in t["tools"]), t["tid"]
        for quote in t["evidence"]:
            assert quote in documents, f"{t['tid']}: evidence not in the documents"


ENTITY_TAGS = {"O"} | {f"{p}-{t}" for p in "BI" for t in ("PER", "ORG", "LOC")}


def test_entity_sentences_are_valid_bio_and_held_out():
    seen = {}
    for split, least in (("train", 150), ("heldout", 60)):
        sentences = rows("entities", split)
        assert len(sentences) >= least
        mentions = Counter()
        for s in sentences:
            assert len(s["tokens"]) == len(s["tags"]) and set(s["tags"]) <= ENTITY_TAGS, s
            for previous, tag in zip(["O", *s["tags"]], s["tags"]):
                if tag.startswith("I-"):
                    assert previous[2:] == tag[2:], f"{tag} after {previous} in {' '.join(s['tokens'])}"
                if tag.startswith("B-"):
                    mentions[tag[2:]] += 1
        assert min(mentions[t] for t in ("PER", "ORG", "LOC")) >= 40, mentions
        seen[split] = {norm(" ".join(s["tokens"])) for s in sentences}
        assert len(seen[split]) == len(sentences), f"duplicate sentences in {split}"
    assert not seen["train"] & seen["heldout"]


def test_sentence_pairs_are_labelled_scored_and_held_out():
    premises = {}
    for split in ("train", "heldout"):
        pairs = rows("sentence_pairs", split)
        labels = Counter(p["label"] for p in pairs)
        assert set(labels) == {"entailment", "neutral", "contradiction"}
        assert max(labels.values()) - min(labels.values()) <= len(pairs) * 0.05, labels
        assert all(0 <= p["score"] <= 5 and p["score"] * 2 == int(p["score"] * 2) for p in pairs)
        assert len({(norm(p["premise"]), norm(p["hypothesis"])) for p in pairs}) == len(pairs)
        mean = {label: sum(p["score"] for p in pairs if p["label"] == label) / labels[label] for label in labels}
        assert mean["entailment"] > mean["contradiction"] and mean["entailment"] > mean["neutral"]
        premises[split] = {norm(p["premise"]) for p in pairs}
    assert not premises["train"] & premises["heldout"]


def test_every_review_has_one_subset_label():
    labels = {r["text"]: r["subset"] for r in rows("review_subsets", "subsets")}
    texts = [r["text"] for split in ("train", "validation", "test") for r in rows("rotten_tomatoes", split)]
    assert sorted(labels) == sorted(texts)
    assert Counter(labels.values()) == {"plain": 900, "hard": 720}
    test_hard = sum(labels[r["text"]] == "hard" for r in rows("rotten_tomatoes", "test"))
    assert test_hard == 108  # the same share in every split (stratified by part)
