"""Chapter 9b's supervised fine-tuning (LoRA with trl's SFTTrainer) as a script, for one or many GPUs.

The training code is the chapter's; only the launcher changes:

    python scripts/sft_accelerate.py --steps 30                  # one process: a CPU or one GPU
    accelerate launch --num_processes 2 scripts/sft_accelerate.py   # data parallel (DDP) on 2 GPUs
    accelerate launch --config_file scripts/accelerate/deepspeed_zero2.yaml scripts/sft_accelerate.py
    accelerate launch --config_file scripts/accelerate/fsdp.yaml scripts/sft_accelerate.py

`accelerate launch` starts one process per GPU and tells each its rank; the Trainer inside reads
that, splits every batch across the processes and averages the gradients. The DeepSpeed ZeRO-2
config also splits the optimizer state and the gradients between the GPUs (it needs
`pip install deepspeed`); the FSDP config splits the weights too (it needs only torch). Set
`num_processes` in the YAML file to the number of GPUs. The global batch is
batch-size x processes x grad-accum. The LoRA adapter is saved to --output-dir.
"""

from __future__ import annotations

import argparse
import sys

# A Zephyr-style chat template (the format of TinyLlama's chat model), for base models without one.
ZEPHYR_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|' + message['role'] + '|>\\n' + message['content'] + '</s>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}"
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--model",
        default="TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T",
        help="hub id (looked up with llmbook_utils.resolve, so the profile's stand-in is used) or a model folder",
    )
    parser.add_argument("--output-dir", default="runs/sft-house-style", help="where the LoRA adapter is saved")
    parser.add_argument("--steps", type=int, default=300, help="optimizer steps")
    parser.add_argument("--lr", type=float, default=2e-4, help="learning rate (constant)")
    parser.add_argument("--batch-size", type=int, default=8, help="examples per process and step")
    parser.add_argument("--grad-accum", type=int, default=1, help="gradient accumulation steps")
    parser.add_argument("--max-length", type=int, default=128, help="tokens per example (longer ones are cut)")
    parser.add_argument("--lora-r", type=int, default=8, help="LoRA rank; alpha is twice the rank")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def to_conversation(row: dict) -> dict:
    """A house_style row as a conversational prompt-completion pair (the loss covers only the completion)."""
    return {
        "prompt": [{"role": "user", "content": row["prompt"]}],
        "completion": [{"role": "assistant", "content": row["response"]}],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # imported here so that --help answers at once, on any machine
    import torch
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, set_seed
    from trl import SFTConfig, SFTTrainer

    import llmbook_utils

    set_seed(args.seed)
    model_id = llmbook_utils.resolve(args.model)
    tokenizer = AutoTokenizer.from_pretrained(model_id)
    if tokenizer.chat_template is None:
        tokenizer.chat_template = ZEPHYR_TEMPLATE
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    train = llmbook_utils.load_dataset("house_style")["train"]
    train = train.map(to_conversation, remove_columns=train.column_names)

    cuda = torch.cuda.is_available()
    bf16 = cuda and torch.cuda.is_bf16_supported(including_emulation=False)
    config = SFTConfig(
        output_dir=args.output_dir,
        max_steps=args.steps,
        per_device_train_batch_size=args.batch_size,
        gradient_accumulation_steps=args.grad_accum,
        learning_rate=args.lr,
        lr_scheduler_type="constant",
        max_length=args.max_length,
        logging_steps=10,
        bf16=bf16,
        fp16=cuda and not bf16,
        use_cpu=not cuda,
        activation_checkpointing=False,
        save_strategy="no",
        report_to="none",
        seed=args.seed,
    )
    # no device_map: each process gets its own copy (DDP) or its own shard (FSDP, ZeRO-3) from accelerate
    model = AutoModelForCausalLM.from_pretrained(model_id, dtype=torch.float32)
    lora = LoraConfig(
        r=args.lora_r, lora_alpha=2 * args.lora_r, lora_dropout=0.05, target_modules="all-linear", task_type="CAUSAL_LM"
    )
    trainer = SFTTrainer(model=model, args=config, train_dataset=train, processing_class=tokenizer, peft_config=lora)
    trainer.train()
    trainer.save_model(args.output_dir)  # under FSDP or ZeRO the shards are gathered first
    if trainer.accelerator.is_main_process:
        losses = [log["loss"] for log in trainer.state.log_history if "loss" in log]
        processes = trainer.accelerator.num_processes
        print(f"{processes} process(es), global batch {args.batch_size * processes * args.grad_accum}")
        if losses:
            print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}; adapter saved to {args.output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
