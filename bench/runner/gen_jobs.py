#!/usr/bin/env python3
"""The same N pin updates for both sides of the runner benchmark.

Writes OUT_DIR/jobs.csv (a oneall-bulk CSV job file, docs/formats.md) and, unless --csv-only,
OUT_DIR/curl.cfg (a curl -K config, one operation per request separated by `next`, each with
its own method, headers, Basic auth and body). The curl bodies are byte for byte what
oneall-bulk renders for the CSV rows (api/action.cpp: update_body), so both sides send the
same requests to the same paths.

Usage: gen_jobs.py N PORT OUT_DIR [--csv-only]
"""
import json
import os
import sys

IDENTITY = "0b6f1c2e-8a7d-4c3e-9f10-2a3b4c5d6e7f"
PUBLIC_KEY, PRIVATE_KEY = "bench-public-key", "bench-private-key"  # nginx checks nothing


def row(i):
    object_id = f"35296968{i:010d}"  # 18 digits, distinct: no two jobs share an object
    board = f"board-{i % 97}"
    description = f"benchmark pin update payload #{i}"
    link = f"https://shop.example.com/pin/{i}"
    return object_id, board, description, link


def body(board, description, link):
    pin = {"board": board, "description": description, "link": link}
    return json.dumps({"request": {"update": {"pin": pin}}}, separators=(",", ":"))


def curl_quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    n, port, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    csv_only = "--csv-only" in sys.argv[4:]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "jobs.csv"), "w", buffering=1 << 20) as csv:
        csv.write("op,target,identity,object_id,board,description,link\n")
        for i in range(1, n + 1):
            object_id, board, description, link = row(i)
            csv.write(f"update,pinterest.pin,{IDENTITY},{object_id},{board},{description},{link}\n")
    if csv_only:
        return
    with open(os.path.join(out, "curl.cfg"), "w", buffering=1 << 20) as cfg:
        for i in range(1, n + 1):
            object_id, board, description, link = row(i)
            url = f"http://127.0.0.1:{port}/update/identities/{IDENTITY}/pinterest/pin/{object_id}.json"
            cfg.write(f"url = {curl_quote(url)}\n")
            cfg.write('output = "/dev/null"\n')
            cfg.write('request = "PUT"\n')
            cfg.write(f'user = "{PUBLIC_KEY}:{PRIVATE_KEY}"\n')
            cfg.write('header = "Accept: application/json"\n')
            cfg.write('header = "Content-Type: application/json"\n')
            cfg.write(f"data = {curl_quote(body(board, description, link))}\n")
            if i != n:
                cfg.write("next\n")


if __name__ == "__main__":
    main()
