"""Train the quote tagger: the packaged MiniLM-L6 fine-tuned as a Source / Cue / Content token
classifier on PolNeAR train, exported as int8 ONNX into archive/embed/data/quote_tagger/.

Usage:
    python benchmarks/train_quote_tagger.py [--epochs 3] [--context 0] [--layers 6] [--limit N]
        [--out archive/embed/data/quote_tagger] [--held-out 10]
    # training elsewhere (a GPU machine without PolNeAR or archive installed):
    python benchmarks/train_quote_tagger.py --save-examples ex.pkl [--context 32]
    python benchmarks/train_quote_tagger.py --examples ex.pkl --model MODEL_DIR --device cuda

1. Every train article (one annotator's file per article, the first in sorted order, as in
   eval_attribution.py) is split into its blank-line paragraphs; every brat span of type
   Source, Cue or Content labels the characters it covers (a span nested inside another
   attribution's content wins over it: the inner Source and Cue are what a reader needs).
2. Paragraphs are tokenised with the packaged model's own tokenizer (WordPiece, offsets);
   a token takes the label of its first character, BIO-coded (B- at the first token of each
   span fragment): 7 labels. With --context N the last N tokens of the previous paragraph
   come first as segment A, unlabelled, so a quote continued across paragraphs can be seen.
3. AutoModelForTokenClassification on the packaged folder, AdamW lr 5e-5, linear decay with
   10% warm-up, batch 16 of length-sorted buckets, up to 192 tokens, --epochs epochs.
   A share of the train articles (--held-out, every 10th article by name) is kept out of
   training: the decoding thresholds of archive are chosen on it (train_quote_tagger only
   writes its token scores; eval_attribution.py --tagger-split train-heldout reads them).
   Dev is never read here; the test split never anywhere.
4. The model is exported with torch.onnx.export (dynamic batch and sequence axes) and
   quantized with onnxruntime's quantize_dynamic (int8 weights, per channel); its tokenizer
   and a tagger.json (labels, context, max length, version, the training summary) are written
   beside it. The int8 model's token-level F1 on the held-out articles is printed against the
   fp32 model's, so a quantization loss shows.

Takes about 25 minutes on a 2-core CPU for all of train and 3 epochs (about a minute on one
H100: --device cuda; the paragraphs can be tokenised here and carried with --save-examples).
With --layers N only the first N of the model's 6 transformer layers are kept (a cheaper
tagger: a forward pass costs about N/6 of the full one).
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import pickle
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = Path("/work/shared/data/polnear")
TYPES = ("Source", "Cue", "Content")
LABELS = ["O"] + [f"{p}-{t}" for t in TYPES for p in ("B", "I")]
PRIORITY = {"Content": 1, "Cue": 2, "Source": 3}  # the inner spans of a nested attribution win
VERSION = 1


def article_files(split: str) -> list[tuple[Path, Path]]:
    """(text, annotation) pairs, the first annotator in sorted order per article."""
    if split == "test":
        raise SystemExit("The test split is held out.")
    root = DATA / split
    chosen: dict[str, Path] = {}
    for ann in sorted((root / "attributions").glob("*.ann")):
        chosen.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    return [(root / "text" / f"{n}.txt", a) for n, a in sorted(chosen.items())
            if (root / "text" / f"{n}.txt").exists()]


def typed_spans(ann: Path) -> list[tuple[str, int, int]]:
    """(type, start, end) of every Source / Cue / Content fragment of a brat file."""
    out = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        if not line.startswith("T") or line.count("\t") < 2:
            continue
        mid = line.split("\t")[1]
        kind = mid.split()[0]
        if kind not in TYPES:
            continue
        for frag in mid[len(kind):].split(";"):
            a, b = map(int, frag.split()[-2:])
            out.append((kind, a, b))
    return out


def paragraphs(text: str) -> list[tuple[str, int]]:
    """Blank-line separated blocks with their file offsets: what the shipped tagger was
    trained on (since stop 26 a build and eval_attribution.py also split a block written one
    paragraph per line into its lines; 131 of 16,325 train blocks; kept here so the script
    still reproduces the shipped weights)."""
    out = []
    for m in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text):
        block = m.group(0)
        lead = len(block) - len(block.lstrip())
        if block.strip():
            out.append((block.strip(), m.start() + lead))
    return out


def char_labels(n: int, base: int, spans: list[tuple[str, int, int]]) -> tuple[list[str], list[int]]:
    """Per character of a paragraph: its span type ("" outside) and the id of its fragment."""
    kinds = [""] * n
    frag = [-1] * n
    for k, (kind, a, b) in enumerate(sorted(spans, key=lambda s: PRIORITY[s[0]])):
        for i in range(max(a - base, 0), min(b - base, n)):
            kinds[i] = kind
            frag[i] = k
    return kinds, frag


def encode_paragraph(tok, text: str, prev: str, context: int, max_len: int,
                     kinds: list[str] | None = None, frag: list[int] | None = None) -> dict:
    """input ids, type ids and (when kinds are given) BIO label ids of one paragraph."""
    enc = tok(text, add_special_tokens=False, return_offsets_mapping=True)
    ids = enc["input_ids"][: max_len - 2]
    offsets = enc["offset_mapping"][: len(ids)]
    ctx: list[int] = []
    if context and prev:
        ctx = tok(prev, add_special_tokens=False)["input_ids"][-context:]
    cls, sep = tok.cls_token_id, tok.sep_token_id
    if ctx:
        input_ids = [cls] + ctx + [sep] + ids + [sep]
        types = [0] * (len(ctx) + 2) + [1] * (len(ids) + 1)
        first = len(ctx) + 2
    else:
        input_ids = [cls] + ids + [sep]
        types = [0] * len(input_ids)
        first = 1
    out = {"input_ids": input_ids, "token_type_ids": types, "first": first, "offsets": offsets}
    if kinds is not None:
        labels = [-100] * len(input_ids)
        last_frag = -1
        for j, (a, _) in enumerate(offsets):
            kind = kinds[a] if a < len(kinds) else ""
            if not kind:
                last_frag = -1
                labels[first + j] = 0
                continue
            begin = frag[a] != last_frag
            last_frag = frag[a]
            labels[first + j] = LABELS.index(f"{'B' if begin else 'I'}-{kind}")
        out["labels"] = labels
    return out


def load_examples(files, tok, context: int, max_len: int) -> list[dict]:
    out = []
    for txt, ann in files:
        text = txt.read_text(encoding="utf-8")
        spans = typed_spans(ann)
        prev = ""
        for para, base in paragraphs(text):
            kinds, frag = char_labels(len(para), base, spans)
            ex = encode_paragraph(tok, para, prev, context, max_len, kinds, frag)
            ex["article"] = txt.stem
            out.append(ex)
            prev = para
    return out


def batches(examples: list[dict], size: int, rng: random.Random) -> list[list[dict]]:
    """Length-sorted buckets of `size`, in random order."""
    order = sorted(examples, key=lambda e: len(e["input_ids"]) + rng.random())
    groups = [order[i:i + size] for i in range(0, len(order), size)]
    rng.shuffle(groups)
    return groups


def collate(group: list[dict], with_labels: bool = True):
    import torch
    n = max(len(e["input_ids"]) for e in group)
    ids = torch.zeros((len(group), n), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    labels = torch.full_like(ids, -100)
    for i, e in enumerate(group):
        k = len(e["input_ids"])
        ids[i, :k] = torch.tensor(e["input_ids"])
        types[i, :k] = torch.tensor(e["token_type_ids"])
        mask[i, :k] = 1
        if with_labels:
            labels[i, :k] = torch.tensor(e["labels"])
    return ids, mask, types, labels


def token_f1(pred_rows: list[np.ndarray], examples: list[dict]) -> dict[str, float]:
    """Token-level F1 per span type (B and I merged) over labelled tokens."""
    out = {}
    for kind in TYPES:
        codes = {LABELS.index(f"B-{kind}"), LABELS.index(f"I-{kind}")}
        tp = fp = fn = 0
        for pred, e in zip(pred_rows, examples):
            for p, g in zip(pred, e["labels"]):
                if g == -100:
                    continue
                tp += p in codes and g in codes
                fp += p in codes and g not in codes
                fn += p not in codes and g in codes
        out[kind] = round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0
    return out


def predict_torch(model, examples: list[dict]) -> list[np.ndarray]:
    import torch
    device = next(model.parameters()).device
    model.eval()
    out: list[np.ndarray] = [None] * len(examples)  # type: ignore[list-item]
    order = sorted(range(len(examples)), key=lambda i: len(examples[i]["input_ids"]))
    with torch.inference_mode():
        for s in range(0, len(order), 64):
            idx = order[s:s + 64]
            ids, mask, types, _ = (t.to(device) for t in collate([examples[i] for i in idx],
                                                                  with_labels=False))
            logits = model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits
            for row, i in enumerate(idx):
                out[i] = logits[row, : len(examples[i]["input_ids"])].argmax(-1).cpu().numpy()
    return out


def predict_onnx(path: Path, examples: list[dict]) -> list[np.ndarray]:
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    out: list[np.ndarray] = [None] * len(examples)  # type: ignore[list-item]
    order = sorted(range(len(examples)), key=lambda i: len(examples[i]["input_ids"]))
    for s in range(0, len(order), 64):
        idx = order[s:s + 64]
        ids, mask, types, _ = collate([examples[i] for i in idx], with_labels=False)
        logits = sess.run(["logits"], {"input_ids": ids.numpy(), "attention_mask": mask.numpy(),
                                       "token_type_ids": types.numpy()})[0]
        for row, i in enumerate(idx):
            out[i] = logits[row, : len(examples[i]["input_ids"])].argmax(-1)
    return out


def export(model, out_dir: Path, tok_dir: Path) -> Path:
    """fp32 ONNX export, int8 dynamic quantization; returns the int8 file."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    model.eval()
    ids = torch.ones((2, 16), dtype=torch.long)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.onnx"
        torch.onnx.export(
            model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
            dynamic_axes={n: {0: "batch", 1: "sequence"}
                          for n in ("input_ids", "attention_mask", "token_type_ids", "logits")},
            opset_version=17, dynamo=False)
        out_dir.mkdir(parents=True, exist_ok=True)
        int8 = out_dir / "model.int8.onnx"
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
    shutil.copy(tok_dir / "tokenizer.json", out_dir / "tokenizer.json")
    return int8


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=float, default=3)
    ap.add_argument("--context", type=int, default=0, help="tokens of the previous paragraph")
    ap.add_argument("--max-len", type=int, default=192)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--limit", type=int, default=None, help="train articles (for a quick try)")
    ap.add_argument("--held-out", type=int, default=10, help="every Nth train article is held out")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "archive" / "embed" / "data" / "quote_tagger"))
    ap.add_argument("--layers", type=int, default=None, help="keep the first N layers")
    ap.add_argument("--model", default=None, help="base model folder (default: the packaged one)")
    ap.add_argument("--device", default="cpu", help="cpu, or cuda")
    ap.add_argument("--save-examples", default=None,
                    help="tokenise train and held-out paragraphs into this file and stop")
    ap.add_argument("--examples", default=None, help="read the paragraphs --save-examples wrote")
    args = ap.parse_args(argv)

    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    rng = random.Random(0)
    if args.model:
        model_dir = Path(args.model)
    else:
        from archive.config import Config
        model_dir = Path(Config().model_path)
    t0 = time.perf_counter()
    if args.examples:
        with (gzip.open if args.examples.endswith(".gz") else open)(args.examples, "rb") as fh:
            saved = pickle.load(fh)
        if saved["context"] != args.context:
            raise SystemExit(f"{args.examples} was tokenised with --context {saved['context']}")
        n_train, n_held, train_ex, held_ex = (saved[k] for k in ("train", "held", "train_ex",
                                                                 "held_ex"))
    else:
        tok = AutoTokenizer.from_pretrained(model_dir)
        files = article_files("train")
        held = [f for i, f in enumerate(files) if i % args.held_out == args.held_out - 1]
        train = [f for i, f in enumerate(files) if i % args.held_out != args.held_out - 1]
        train = train[: args.limit or None]
        train_ex = load_examples(train, tok, args.context, args.max_len)
        # the model reads 512 positions: the context and its [SEP] come out of them
        held_len = 512 - (args.context + 1 if args.context else 0)
        held_ex = load_examples(held, tok, args.context, held_len)
        n_train, n_held = len(train), len(held)
        if args.save_examples:
            keep = ("input_ids", "token_type_ids", "labels", "first")
            slim = [[{k: e[k] for k in keep} for e in exs] for exs in (train_ex, held_ex)]
            gz = args.save_examples.endswith(".gz")
            with (gzip.open if gz else open)(args.save_examples, "wb") as fh:
                pickle.dump({"context": args.context, "train": n_train, "held": n_held,
                             "train_ex": slim[0], "held_ex": slim[1]}, fh)
            print(f"wrote {args.save_examples}")
            return
    print(f"{n_train} train articles ({len(train_ex)} paragraphs), {n_held} held out "
          f"({len(held_ex)} paragraphs)", flush=True)

    model = AutoModelForTokenClassification.from_pretrained(
        model_dir, num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
        label2id={n: i for i, n in enumerate(LABELS)}, dtype=torch.float32)
    if args.layers:
        model.bert.encoder.layer = model.bert.encoder.layer[: args.layers]
        model.config.num_hidden_layers = args.layers
    device = torch.device(args.device)
    model.to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    total = int(math.ceil(len(train_ex) / args.batch) * args.epochs)
    warm = max(1, total // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    step = 0
    for epoch in range(math.ceil(args.epochs)):
        model.train()
        loss_sum = 0.0
        for group in batches(train_ex, args.batch, rng):
            if step >= total:
                break
            ids, mask, types, labels = (t.to(device) for t in collate(group))
            loss = model(input_ids=ids, attention_mask=mask, token_type_ids=types,
                         labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            loss_sum += loss.item()
            step += 1
            if step % 100 == 0:
                print(f"epoch {epoch} step {step}/{total} loss {loss_sum / 100:.4f} "
                      f"{time.perf_counter() - t0:.0f}s", flush=True)
                loss_sum = 0.0
    train_s = time.perf_counter() - t0
    fp32_f1 = token_f1(predict_torch(model, held_ex), held_ex)
    print(f"trained in {train_s:.0f}s; held-out token F1 (fp32): {fp32_f1}", flush=True)
    model.to("cpu")
    out = Path(args.out)
    int8 = export(model, out, model_dir)
    int8_f1 = token_f1(predict_onnx(int8, held_ex), held_ex)
    print(f"held-out token F1 (int8): {int8_f1}; {int8.stat().st_size / 2**20:.1f} MiB", flush=True)
    meta = {"version": VERSION, "labels": LABELS, "context": args.context,
            "max_length": args.max_len, "base_model": "sentence-transformers/all-MiniLM-L6-v2",
            "layers": args.layers or model.config.num_hidden_layers,
            "training": {"articles": n_train, "paragraphs": len(train_ex),
                         "held_out_articles": n_held, "epochs": args.epochs, "lr": args.lr,
                         "device": args.device,
                         "batch": args.batch, "seconds": round(train_s),
                         "held_out_token_f1_fp32": fp32_f1, "held_out_token_f1_int8": int8_f1}}
    (out / "tagger.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
