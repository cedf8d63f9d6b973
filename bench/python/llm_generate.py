"""Sequential `generate` in one process, the anchor of the chat server's throughput in `npm run bench -- llm`.

python llm_generate.py --model DIR --cases FILE --max-tokens N
Loads the model, then answers each case's prompt (its messages but the last) one at a time, greedily, stopping at
the end of the assistant's turn, as a user scoring a model by hand would. Timed after loading. Prints one JSON
object: {secs, cases, outputs}.
"""
from __future__ import annotations

import argparse
import json
import time


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--cases", required=True)
    p.add_argument("--max-tokens", type=int, default=8)
    a = p.parse_args()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(a.model, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(a.model, local_files_only=True).eval()
    end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    with open(a.cases, encoding="utf-8") as f:
        cases = [json.loads(line)["messages"] for line in f if line.strip()]
    outputs = []
    t0 = time.perf_counter()
    with torch.inference_mode():
        for msgs in cases:
            ids = tokenizer.apply_chat_template(msgs[:-1], add_generation_prompt=True, return_tensors="pt",
                                                return_dict=True)
            out = model.generate(**ids, max_new_tokens=a.max_tokens, do_sample=False, eos_token_id=end,
                                 pad_token_id=end)
            outputs.append(tokenizer.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True).strip())
    print(json.dumps({"secs": time.perf_counter() - t0, "cases": len(cases), "outputs": outputs}))


if __name__ == "__main__":
    main()
