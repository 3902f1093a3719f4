"""For the demo: act as a CR&S staff member filling in the notes draft.

Logs in to the local wiki as the staff account, writes under each question of
the draft the answers that were given in the real session (from the example
notes), leaves the questions nobody answered live empty, and sets the draft's
status to ``ready`` -- what staff do by hand on Meta-wiki after the call.

Usage: python scripts/demo_staff.py WIKI_DIR SESSION_DATE
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
NOTES = ROOT / "tests" / "data" / "examples" / "notes-2024-07-11.wiki"
SERIES = "Wikimedia Foundation/Legal/Community Resilience and Sustainability/Conversation Hour"


def key(text: str, length: int | None = 60) -> str:
    """The first letters of a question, to find it again after the bot's markup."""
    text = re.sub(r"<span[^>]*></span>", "", text)
    return re.sub(r"[^a-z0-9]+", "", text.lower())[:length]


def answers_from_notes() -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    current = None
    for line in NOTES.read_text().splitlines():
        if line.startswith("* "):
            current = key(line[2:])
            answers[current] = []
        elif line.startswith(":") and current:
            answers[current].append(line)
    return answers


def main(wiki_dir: str, day: str) -> int:
    state = json.loads((Path(wiki_dir) / "state.json").read_text())
    staff = json.loads((Path(wiki_dir) / "accounts.json").read_text())["staff"]
    api = f"http://127.0.0.1:{state['port']}/api.php"
    http = requests.Session()
    token = http.get(api, params={"action": "query", "meta": "tokens", "type": "login", "format": "json"}).json()
    http.post(api, data={"action": "login", "lgname": f"{staff['user']}@{staff['appid']}",
                         "lgpassword": staff["password"], "format": "json",
                         "lgtoken": token["query"]["tokens"]["logintoken"]})
    title = f"{SERIES} {day.replace('-', ' ')}/Notes draft"
    page = http.get(api, params={"action": "query", "prop": "revisions", "titles": title, "rvprop": "content",
                                 "rvslots": "main", "format": "json", "formatversion": 2}).json()
    text = page["query"]["pages"][0]["revisions"][0]["slots"]["main"]["content"]
    answers = answers_from_notes()
    out, answered = [], 0
    lines = text.split("\n")
    for number, line in enumerate(lines):
        out.append(line)
        if line.startswith("* "):
            found = next((a for k, a in answers.items() if k and k in key(line, None)), None)
            already = number + 1 < len(lines) and lines[number + 1].startswith(":")
            if found and not already:  # a second demo run answers nothing twice
                out.extend(found)
            if found:
                answered += 1
    new = re.sub(r"(\|\s*status\s*=\s*)[^|\n}]*", r"\g<1>ready", "\n".join(out), count=1)
    if new == text:
        print(f"Staff had already answered {answered} questions in [[{title}]] and set it to ready.")
        return 0
    csrf = http.get(api, params={"action": "query", "meta": "tokens", "format": "json"}).json()
    result = http.post(api, data={"action": "edit", "title": title, "text": new, "format": "json",
                                  "summary": "Answers from the session; ready to publish",
                                  "token": csrf["query"]["tokens"]["csrftoken"]}).json()
    if result.get("edit", {}).get("result") != "Success":
        print(f"demo_staff: could not save the draft: {result}", file=sys.stderr)
        return 1
    print(f"Staff answered {answered} questions in [[{title}]] and set it to ready.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
