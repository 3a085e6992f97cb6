#!/bin/sh
# Seeds corpus/<target>/ with the golden fixtures in tests/fixtures/wire (needs python3).
set -eu
cd "$(dirname "$0")"
python3 - <<'PY'
import binascii, glob, json, os, struct
fx = "../../../tests/fixtures/wire"
def put(target, name, data):
    os.makedirs(f"corpus/{target}", exist_ok=True)
    with open(f"corpus/{target}/{name}", "wb") as f:
        f.write(data)
for path in sorted(glob.glob(f"{fx}/*.json")):
    base = os.path.basename(path)[:-5]
    doc = json.load(open(path, encoding="utf-8"))
    if isinstance(doc, list):  # malformed.json, noncanonical.json
        for i, s in enumerate(doc):
            data = binascii.unhexlify(s["input_hex"]) if "input_hex" in s else s["input"].encode()
            target = {"text": "decode_text", "batch": "decode_batch", "binary": "decode_binary_frame"}[s["kind"]]
            put(target, f"{base}-{i}", data)
    elif "text" in doc:
        text = doc["text"].encode()
        put("decode_text", base, text)
        put("decode_batch", base, text)
        put("decode_binary_frame", base, struct.pack(">I", len(text)) + text)
        if "websocket_binary_hex" in doc:
            put("decode_binary_frame", base + "-bin", binascii.unhexlify(doc["websocket_binary_hex"]))
    if "streaming" in doc:
        put("decode_batch", base + "-streaming", doc["streaming"].encode())
PY
