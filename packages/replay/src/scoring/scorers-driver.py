#!/usr/bin/env python3
"""Prints the verdicts of the reference scorers.py, one JSON line per record and text variant,
for check-against-python.ts to compare with the TypeScript port.

usage: python3 scorers-driver.py TRACES_DIR FILE.jsonl...
The variants must stay in step with `textVariants` in check-against-python.ts.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
import scorers  # noqa: E402  (the reference implementation beside the trace files)

FRACTIONS = 8


def variants(record):
    output, reasoning = record["output"], record.get("reasoning", "")
    yield "full", output, reasoning
    for k in range(1, FRACTIONS):
        yield f"output{k}", output[: len(output) * k // FRACTIONS], reasoning
    if "reasoning" in record:
        for k in range(1, FRACTIONS):
            yield f"reasoning{k}", "", reasoning[: len(reasoning) * k // FRACTIONS]


for path in sys.argv[2:]:
    name = path.rsplit("/", 1)[-1]
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            for variant, output, reasoning in variants(record):
                verdict = bool(scorers.score(record, output, reasoning))
                print(json.dumps({"file": name, "id": record["id"], "variant": variant, "verdict": verdict}))
