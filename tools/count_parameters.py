#!/usr/bin/env python3
"""Counts a model's parameters with transformers' own classes, for the tests.

For each config (a Hugging Face config.json, or a workloads/*.yaml in the
same field names), builds the transformers model on the meta device (no
memory, nothing downloaded) and counts its parameters: the total (shared
tensors once, as `model.parameters()` yields them), the language model's
embedding, and, for a wrapper whose decoder sits in `text_config`, the
vision tower and the projector apart. Writes one JSON object keyed by the
config's file name, with the versions that counted. Tensors the
checkpoint holds that transformers registers as persistent buffers rather
than parameters are counted apart (`persistent_buffer_elements`), and
buffers that are functions of the config rather than weights apart again
(`derived_buffer_elements`).

    python3 tools/count_parameters.py Tests/Resources/hf-configs/*.json \
        --output Tests/Resources/hf-configs/reference-counts.json

Needs torch and transformers (the lent GPU machine has both; no GPU is
used: `pip install torch==2.11.0 transformers==5.17.0 pyyaml` on any
machine counts the same). CI never runs this: the tests read the JSON it wrote.
"""
import argparse
import json
import os
import sys


# Persistent buffers that are functions of the config, not checkpoint
# weights (MiniMax's Lightning Attention: per-head slopes and the decay
# tables of one block).
DERIVED_BUFFERS = {"slope_rate", "query_decay", "key_decay", "diagonal_decay"}


def load(path):
    with open(path) as handle:
        if path.endswith((".yaml", ".yml")):
            import yaml
            fields = yaml.safe_load(handle)
        else:
            fields = json.load(handle)
    for key in ("name", "source"):
        fields.pop(key, None)
    return fields


def count(module):
    return sum(p.numel() for p in module.parameters()) if module else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("configs", nargs="+")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    import torch
    import transformers
    from transformers import AutoConfig, AutoModelForCausalLM
    counts = {"_versions": {"torch": torch.__version__,
                            "transformers": transformers.__version__}}
    for path in args.configs:
        name = os.path.basename(path)
        fields = load(path)
        if "model_type" not in fields:  # this script's own output
            continue
        model_type = fields.pop("model_type")
        fields.pop("quantization_config", None)
        try:
            config = AutoConfig.for_model(model_type, **fields)
            with torch.device("meta"):
                if "text_config" in fields:
                    from transformers import AutoModelForImageTextToText
                    model = AutoModelForImageTextToText.from_config(config)
                else:
                    model = AutoModelForCausalLM.from_config(config)
        except Exception as error:  # a type this transformers lacks
            print(f"skip {name}: {error}"[:300], file=sys.stderr)
            continue
        entry = {"total_parameters": count(model)}
        # Tensors of the checkpoint that transformers keeps as persistent
        # buffers, not parameters (DeepSeek-V3's e_score_correction_bias).
        # Tables transformers computes from the config when it builds the
        # model (MiniMax's Lightning Attention decay factors) are kept
        # apart: an engine computes them too, they are not weights.
        keys = set(model.state_dict().keys())
        persistent = [(name, b) for name, b in model.named_buffers()
                      if name in keys]
        derived = [b.numel() for name, b in persistent
                   if name.rsplit(".", 1)[-1] in DERIVED_BUFFERS]
        entry["persistent_buffer_elements"] = sum(
            b.numel() for _, b in persistent) - sum(derived)
        if derived:
            entry["derived_buffer_elements"] = sum(derived)
        inner = getattr(model, "model", None)
        for part in ("vision_tower", "vision_model", "visual",
                     "multi_modal_projector", "language_model"):
            module = getattr(inner, part, None) or getattr(model, part, None)
            if module is not None:
                entry[part + "_parameters"] = count(module)
        entry["embedding_parameters"] = \
            model.get_input_embeddings().weight.numel()
        counts[name] = entry
        print(f"{name}: {entry}", file=sys.stderr)
    temporary = args.output + ".partial"
    with open(temporary, "w") as handle:
        json.dump(counts, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.replace(temporary, args.output)


if __name__ == "__main__":
    main()
