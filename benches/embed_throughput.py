"""Python side of benches/embed_throughput.rs: the same model files, the same
texts, timed the same way. Tries the fastembed package first (a custom model
from a local folder); if that cannot load local files, runs onnxruntime +
tokenizers directly the way fastembed does (pad to the batch's longest, mean
pooling with the attention mask, L2 normalisation). Prints one JSON line."""
import json, os, sys, time

model_dir, texts_path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = [l.rstrip("\n") for l in open(texts_path, encoding="utf-8") if l.strip()]

def run_fastembed():
    from fastembed import TextEmbedding
    from fastembed.common.model_description import PoolingType, ModelSource
    TextEmbedding.add_custom_model(
        model="local/all-MiniLM-L6-v2-int8", pooling=PoolingType.MEAN, normalization=True,
        sources=ModelSource(hf="local/all-MiniLM-L6-v2-int8"), dim=384, model_file="model.onnx")
    model = TextEmbedding(model_name="local/all-MiniLM-L6-v2-int8", specific_model_path=model_dir, threads=threads)
    list(model.embed(texts[:8]))
    start = time.perf_counter()
    out = list(model.embed(texts))  # fastembed's default batch (256), input order
    elapsed = time.perf_counter() - start
    import fastembed
    return "fastembed " + fastembed.__version__, elapsed, len(out)

def run_ort():
    import numpy as np, onnxruntime as ort
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.enable_padding(pad_id=0, pad_token="[PAD]")  # to the batch's longest
    tok.enable_truncation(max_length=256)
    opts = ort.SessionOptions(); opts.intra_op_num_threads = threads
    sess = ort.InferenceSession(os.path.join(model_dir, "model.onnx"), opts, providers=["CPUExecutionProvider"])
    names = [i.name for i in sess.get_inputs()]
    def embed(batch):
        enc = tok.encode_batch(batch)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in names: feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = sess.run(None, feeds)[0]
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
    embed(texts[:8])
    start = time.perf_counter()
    n = 0
    for i in range(0, len(texts), 256):
        n += len(embed(texts[i:i + 256]))
    return "onnxruntime " + ort.__version__ + " + tokenizers (fastembed could not load local files)", time.perf_counter() - start, n

try:
    label, elapsed, n = run_fastembed()
except Exception as e:  # noqa: BLE001 - report and fall back
    sys.stderr.write(f"python fastembed failed on local files: {e}\n")
    label, elapsed, n = run_ort()
print(json.dumps({"impl": label, "seconds": elapsed, "texts": n}))
