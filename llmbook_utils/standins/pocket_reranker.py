"""The pocket reranker: a cross-encoder trained on the spot when the hub (and Cohere) are out of reach.

A reranker reads a question and a passage *together* and scores how well the passage
answers it — slower than comparing two embeddings, and better. Chapter 6 uses one
after a first, fast retrieval step. Online that is Cohere's rerank endpoint or a
hub cross-encoder (``cross-encoder/ms-marco-MiniLM-L-6-v2``, trained on MS MARCO
search logs); offline this module trains one the same way such models are made: a
pretrained encoder (MiniLM, from its wheel) with a one-number head, fine-tuned on
(question, passage, relevant?) triples. Its training data, ``rerank_pairs``, is about
other invented subjects than chapter 6's documents and questions: 140 passages, each
with two questions it answers (one worded like the passage, one paraphrased) and two
questions about the same subject that it does not answer ("hard negatives"), plus
questions of other passages as easy negatives. Seeded; about a minute on two CPU
cores; saved as an ordinary transformers folder that ``CrossEncoder(path)`` loads.
"""

from __future__ import annotations

import random
from pathlib import Path

from ..datafiles import local_files, read_jsonl
from ..log import say, transformers_quiet
from . import minilm
from .base import StandIn, take_step

FOLDER = "pocket-reranker-v3"  # bump the suffix when the recipe changes, so caches rebuild

SEED = 0
EPOCHS = 3
BATCH_SIZE = 16
LEARNING_RATE = 1e-4
MAX_LENGTH = 128
VALIDATION_PASSAGES = 20  # kept out of training, to report pairwise accuracy
FROZEN_LAYERS = 2  # of MiniLM's 6, counted from the bottom (with the embeddings)


def split(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(training, validation) passages: a seeded shuffle, the first VALIDATION_PASSAGES kept out."""
    order = list(range(len(rows)))
    random.Random(SEED).shuffle(order)
    return [rows[i] for i in order[VALIDATION_PASSAGES:]], [rows[i] for i in order[:VALIDATION_PASSAGES]]


def triples(rows: list[dict], rng: random.Random) -> list[tuple[str, str, float]]:
    """(question, passage, label) for each passage: 2 answered, 2 hard negatives, 2 easy negatives."""
    out = []
    for i, row in enumerate(rows):
        out += [(q, row["passage"], 1.0) for q in row["positives"]]
        out += [(q, row["passage"], 0.0) for q in row["hard_negatives"]]
        others = [r for j, r in enumerate(rows) if j != i]
        out += [(rng.choice(rng.choice(others)["positives"]), row["passage"], 0.0) for _ in range(2)]
    return out


def pairwise_accuracy(score, rows: list[dict]) -> float:
    """Share of (answered, not answered) question pairs on the same passage ranked the right way round."""
    right = total = 0
    for row in rows:
        pos = score([(q, row["passage"]) for q in row["positives"]])
        neg = score([(q, row["passage"]) for q in row["hard_negatives"]])
        right += sum(p > n for p in pos for n in neg)
        total += len(pos) * len(neg)
    return right / total


def build(folder: Path) -> None:
    """Fine-tune MiniLM as a cross-encoder on ``rerank_pairs`` and save model + tokenizer into ``folder``."""
    import torch
    from tqdm.auto import tqdm
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    rng = random.Random(SEED)
    training, validation = split(read_jsonl(local_files("rerank_pairs")["train"]))
    data = triples(training, rng)
    say(
        f"One-time set-up: training MiniLM into a reranker (cross-encoder) on {len(data)} (question, passage) pairs "
        f"about {len(training)} invented subjects (seeded, {EPOCHS} epochs; about a minute on a CPU)..."
    )

    torch.manual_seed(SEED)
    base = minilm.STANDIN.path()
    tokenizer = AutoTokenizer.from_pretrained(base)
    with transformers_quiet():  # the new one-number head is "newly initialized", as it should be
        model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=1)
    # all-MiniLM-L6-v2 was trained with mean pooling, so its [CLS] pooler is near zero (weights of std ~0.01):
    # the head would see almost nothing and learn very slowly. Start the pooler as the identity instead.
    with torch.no_grad():
        model.base_model.pooler.dense.weight.copy_(torch.eye(model.config.hidden_size))
        model.base_model.pooler.dense.bias.zero_()
    model.base_model.embeddings.requires_grad_(False)
    for layer in model.base_model.encoder.layer[:FROZEN_LAYERS]:
        layer.requires_grad_(False)

    def encode(pairs):
        return tokenizer(
            [q for q, _ in pairs],
            [p for _, p in pairs],
            padding=True,
            truncation=True,
            max_length=MAX_LENGTH,
            return_tensors="pt",
        )

    @torch.no_grad()
    def score(pairs):
        model.eval()
        return model(**encode(pairs)).logits.squeeze(-1).tolist()

    before = pairwise_accuracy(score, validation)
    steps = EPOCHS * -(-len(data) // BATCH_SIZE)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=LEARNING_RATE, weight_decay=0.01)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(0.1 * steps), steps)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    with tqdm(total=steps, desc="pocket-reranker", unit="step") as bar:
        for epoch in range(EPOCHS):
            rng.shuffle(data)
            model.train()
            for start in range(0, len(data), BATCH_SIZE):
                batch = data[start : start + BATCH_SIZE]
                logits = model(**encode([(q, p) for q, p, _ in batch])).logits.squeeze(-1)
                loss = loss_fn(logits, torch.tensor([label for _, _, label in batch]))
                take_step(loss, optimizer, scheduler, bar, epoch)
    after = pairwise_accuracy(score, validation)
    say(
        f"pocket-reranker: answered-vs-unanswered accuracy on {len(validation)} held-out passages "
        f"{before:.2f} before training, {after:.2f} after"
    )
    model.config.id2label = {0: "relevance"}
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


STANDIN = StandIn(
    key="pocket-reranker",
    description="pocket-reranker (all-MiniLM-L6-v2 trained here as a cross-encoder on the course's rerank_pairs)",
    folder=FOLDER,
    build=build,
)
