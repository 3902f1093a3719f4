"""The least a publish can cost: the same edits with plain API calls, nothing else.

Logs in with the bot's BotPassword (``action=login``), gets an edit token, and
saves each page's final text (``action=edit``), with ``requests`` and no other
library: no read, no check, no conflict detection.  ``benchmarks/publish.py``
runs it as a separate process, as it runs ``notesbot publish``, and compares
the two wall times.

    python benchmarks/baseline_publish.py API_URL ACCOUNTS.json EDITS.json

``ACCOUNTS.json`` is the local wiki's ``accounts.json`` (the password never
goes on a command line); ``EDITS.json`` a list of ``{"title", "text",
"summary"}``.  Exit status 1 if an edit is refused.
"""

from __future__ import annotations

import json
import sys

import requests


def main(argv: list[str]) -> int:
    api, accounts_file, edits_file = argv
    with open(accounts_file) as f:
        bot = json.load(f)["bot"]
    with open(edits_file) as f:
        edits = json.load(f)
    http = requests.Session()
    http.headers["User-Agent"] = "notesbot-baseline/0.1 (benchmarks/publish.py)"

    def call(method: str, **params: str) -> dict:
        params.update(format="json", formatversion="2")
        if method == "GET":
            r = http.get(api, params=params, timeout=120)
        else:
            r = http.post(api, data=params, timeout=120)
        r.raise_for_status()
        return r.json()

    token = call("GET", action="query", meta="tokens", type="login")["query"]["tokens"]["logintoken"]
    login = call("POST", action="login", lgname=f"{bot['user']}@{bot['appid']}",
                 lgpassword=bot["password"], lgtoken=token)["login"]
    if login.get("result") != "Success":
        print(f"baseline: login failed: {login.get('result')}", file=sys.stderr)
        return 1
    csrf = call("GET", action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
    failed = 0
    for edit in edits:
        result = call("POST", action="edit", title=edit["title"], text=edit["text"],
                      summary=edit["summary"], bot="1", token=csrf)
        if result.get("edit", {}).get("result") != "Success":
            print(f"baseline: {edit['title']}: {result}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
