"""A season on the real local wiki, as random as the community and staff are
(issue 21, item 4): questions added in the same minute as others, deleted,
reworded, moved, replied to and re-signed; staff answering, deleting and
moving questions in the draft and changing its status; ticks, manual
publishes and harvests between them, some of them killed half way.

After every step:

* no question is twice in the draft;
* no surviving question's id changed;
* every mark on the questions page links to an anchor the notes hold, and
  that anchor holds the question the mark stands beside;
* nothing a person wrote is lost: the questions page is the community's text
  plus the bot's marks, and every answer staff wrote is in the draft (unless
  staff deleted its question).

Each question carries a token (``K7``) that survives rewording, so the test
knows a question whatever the community did to its words.  The seeds are
fixed: a failure names its seed and step, and replays the same way.
"""

from __future__ import annotations

import random
import re
import subprocess
from dataclasses import dataclass, field

import pytest
from faultproxy import NO_FAULTS
from scenario import ProxiedScenario

pytestmark = pytest.mark.wiki

SEEDS = (11, 23, 37, 53)
STEPS = 50  # per seed: 200 in all
DAY = "2025-02-13"
ASKERS = ("Season Asker", "Second Asker", "Third Asker")
SECTIONS = ("Grants", "Trust and Safety", "Other")
HEADER = """{{Conversation hour questions header
| session = SESSION
| deadline = 2025-02-13T17:00:00Z
}}
"""
TOKEN = re.compile(r"\bK(\d+)\b")
MARK = re.compile(r" ?\{\{Conversation hour answered\|[^{}]*\}\}")
MARK_ANCHOR = re.compile(r"\{\{Conversation hour answered\|[^{}#|]*#(q-[0-9a-f]+)")
DRAFT_ID = re.compile(r'<span id="(q-[0-9a-f]+)"></span>')
NOTES_ANCHOR = re.compile(r'<span id="(q-[0-9a-f]+)">')
# The clock of the season: ticks before the session harvest, after it they publish.
BEFORE = ("2025-02-05T12:00:00Z", "2025-02-08T12:00:00Z", "2025-02-11T12:00:00Z", "2025-02-13T12:00:00Z")
AFTER = ("2025-02-14T12:00:00Z", "2025-02-16T12:00:00Z", "2025-02-20T12:00:00Z")


def signature(user: str, minute: int) -> str:
    return (f"[[User:{user}|{user}]] ([[User talk:{user}|talk]]) "
            f"{10 + minute // 60:02d}:{minute % 60:02d}, 3 February 2025 (UTC)")


@dataclass
class Post:
    token: int
    words: str
    asker: str
    minute: int
    section: str
    replies: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"* {self.words} (K{self.token})? {signature(self.asker, self.minute)}",
                *(f":{reply}" for reply in self.replies)]


@dataclass
class Season:
    s: ProxiedScenario
    rng: random.Random
    seed: int
    posts: list[Post] = field(default_factory=list)
    next_token: int = 1
    ids: dict[int, str] = field(default_factory=dict)
    """Token -> the id the draft gave it (it must never change)."""
    answers: dict[int, list[str]] = field(default_factory=dict)
    """Token -> the answer lines staff wrote under it (kept while staff keep the question)."""
    started: bool = False
    step: int = 0
    log: list[str] = field(default_factory=list)
    last_draft: str | None = None

    # -- the community's page --------------------------------------------------------
    def community_text(self) -> str:
        out = [HEADER.replace("SESSION", self.s.session(DAY)).rstrip("\n")]
        for section in SECTIONS:
            posts = [p for p in self.posts if p.section == section]
            if posts:
                out.append(f"== {section} ==")
                out += [line for p in posts for line in p.lines()]
        return "\n".join(out) + "\n"

    def save_questions(self, summary: str) -> None:
        """The community's edit: its own text, the bot's marks kept where they stand
        (a person editing the page keeps what is on it)."""
        title = self.s.questions(DAY)
        current = self.s.member.text(title) or ""
        marks = {}
        for line in current.split("\n"):
            token = TOKEN.search(line)
            if token:
                marks[int(token[1])] = "".join(m[0] for m in MARK.finditer(line))
        lines = []
        for line in self.community_text().rstrip("\n").split("\n"):
            token = TOKEN.search(line)
            lines.append(line + marks.get(int(token[1]), "") if token and line.startswith("* ") else line)
        self.s.member.edit(title, "\n".join(lines) + "\n", summary)

    def add(self) -> None:
        asker = self.rng.choice(ASKERS)
        same = [p for p in self.posts if p.asker == asker]
        minute = self.rng.choice(same).minute if same and self.rng.random() < 0.6 else self.rng.randrange(300)
        post = Post(self.next_token, self.rng.choice(("What is the plan for", "How will you handle",
                                                       "When can we expect")) + f" item {self.next_token}",
                    asker, minute, self.rng.choice(SECTIONS))
        self.next_token += 1
        where = self.rng.choice(("start", "end"))
        at = next((i for i, p in enumerate(self.posts) if p.section == post.section), len(self.posts))
        self.posts.insert(at if where == "start" else len(self.posts), post)
        self.save_questions(f"A question ({where} of {post.section})")

    def pick(self) -> Post | None:
        return self.rng.choice(self.posts) if self.posts else None

    def reword(self) -> None:
        if (p := self.pick()):
            # The start reworded, as people mend their questions, or all of it
            # but the token (still under its signature: the same post).
            start, rest = p.words.split(" ", 1)
            # (Rewritten wholly only while its asker signed no other question in
            # that minute: two posts of one signature, both rewritten or one of
            # them new, cannot be told apart: bot/harvest/reconcile.py.)
            alone = not any(o is not p and (o.asker, o.minute) == (p.asker, p.minute) for o in self.posts)
            p.words = (self.rng.choice(("So what", "And how", "Then when", "Tell us what")) + " " + rest
                       if not alone or self.rng.random() < 0.5 else
                       self.rng.choice(("Could anyone say", "Is there news on", "I wonder about")) + f" topic {p.token}")
            self.save_questions("Clearer wording")

    def move(self) -> None:
        if (p := self.pick()):
            self.posts.remove(p)
            p.section = self.rng.choice(SECTIONS)
            self.posts.insert(self.rng.randrange(len(self.posts) + 1), p)
            self.save_questions("Moved to a better section")

    def reply(self) -> None:
        if (p := self.pick()):
            p.replies.append(f" Me too, and I would add one thing. {signature(self.rng.choice(ASKERS), 301)}")
            self.save_questions("A reply")

    def resign(self) -> None:
        if (p := self.pick()):
            p.minute = min(p.minute + 1, 299)
            self.save_questions("Signed again")

    # -- staff in the draft ------------------------------------------------------------
    def draft_text(self) -> str | None:
        return self.s.staff.text(self.s.draft(DAY))

    def draft_questions(self, text: str) -> list[tuple[int, int]]:
        """(line index, token) of each question line of the draft."""
        out = []
        for i, line in enumerate(text.split("\n")):
            token = TOKEN.search(line)
            if line.startswith("* ") and token:
                out.append((i, int(token[1])))
        return out

    def staff_edit(self, change, summary: str) -> None:
        text = self.draft_text()
        if text is None or not self.draft_questions(text):
            return
        lines = text.split("\n")
        new = change(lines)
        if new is not None:
            self.s.staff.edit(self.s.draft(DAY), "\n".join(new), summary)

    def _block(self, lines: list[str], i: int) -> int:
        j = i + 1
        while j < len(lines) and lines[j].startswith(":"):
            j += 1
        return j

    def answer(self) -> None:
        def change(lines):
            i, token = self.rng.choice(self.draft_questions("\n".join(lines)))
            line = f": Maggie: About K{token}, answer {self.step}."
            lines.insert(self._block(lines, i), line)
            self.answers.setdefault(token, []).append(line.removeprefix(": "))
            return lines
        self.staff_edit(change, "An answer")

    def delete(self) -> None:
        def change(lines):
            i, token = self.rng.choice(self.draft_questions("\n".join(lines)))
            del lines[i:self._block(lines, i)]
            self.answers.pop(token, None)
            self.log.append(f"staff deleted K{token}")
            return lines
        self.staff_edit(change, "Not for this session")

    def shuffle(self) -> None:
        def change(lines):
            questions = self.draft_questions("\n".join(lines))
            if len(questions) < 2:
                return None
            i, _ = self.rng.choice(questions)
            block = lines[i:self._block(lines, i)]
            del lines[i:i + len(block)]
            j, _ = self.rng.choice(self.draft_questions("\n".join(lines)) or [(len(lines), 0)])
            lines[j:j] = block
            return lines
        self.staff_edit(change, "Reordered")

    def status(self) -> None:
        text = self.draft_text()
        if text is not None:
            value = self.rng.choice(("ready", "ready", "collecting"))
            self.s.staff.edit(self.s.draft(DAY), re.sub(r"(\|\s*status\s*=\s*)[^|\n}]*", rf"\g<1>{value}",
                                                        text, count=1), f"Status {value}")

    # -- the bot ---------------------------------------------------------------------------
    def bot(self, *args: str, kill_after: int | None = None) -> None:
        proxy = self.s.proxy
        proxy.use(NO_FAULTS)
        proxy.hooks.clear()
        started: list[subprocess.Popen] = []
        if kill_after is not None:
            proxy.on_write(lambda request: started[0].kill(), number=kill_after, after=True)
        started.append(self.s.start(*args))
        out, err = started[0].communicate(timeout=300)
        proxy.hooks.clear()
        assert "Traceback" not in err, self.where(f"notesbot {' '.join(args)}:\n{out}\n{err}")

    def tick(self) -> None:
        clock = self.rng.choice(AFTER if self.started else BEFORE)
        self.bot("run", "--now", clock, "-always", kill_after=self.maybe_kill())

    def publish(self) -> None:
        if self.started and self.draft_text() is not None:
            self.bot("publish", DAY, "-always", kill_after=self.maybe_kill())

    def harvest(self) -> None:
        self.bot("harvest", "--session", DAY, "--to-draft", "-always", kill_after=self.maybe_kill())

    def maybe_kill(self) -> int | None:
        return self.rng.randint(1, 3) if self.rng.random() < 0.15 else None

    # -- what must hold after every step ---------------------------------------------------
    def where(self, what: str) -> str:
        return (f"seed {self.seed}, step {self.step}: {what}\n(last actions: {self.log[-8:]})\n"
                f"the draft after the step before:\n{self.last_draft}")

    def check(self) -> None:
        draft = self.draft_text()
        try:
            self._check(draft)
        finally:
            self.last_draft = draft

    def _check(self, draft: str | None) -> None:
        if draft is not None:
            tokens = [t for _, t in self.draft_questions(draft)]
            twice = {t for t in tokens if tokens.count(t) > 1}
            assert not twice, self.where(f"in the draft twice: {sorted(twice)}\n{draft}")
            for line in draft.split("\n"):
                token, given = TOKEN.search(line), DRAFT_ID.search(line)
                if line.startswith("* ") and token and given:
                    was = self.ids.setdefault(int(token[1]), given[1])
                    assert was == given[1], self.where(f"K{token[1]}'s id changed from {was} to {given[1]}\n{draft}\n{self.s.reader.text(self.s.questions(DAY))}")
            for token, lines in self.answers.items():
                if token in tokens:
                    for answer in lines:
                        assert answer in draft, self.where(f"staff's answer lost: {answer!r}\n{draft}")
        page = self.s.reader.text(self.s.questions(DAY)) or ""
        community = self.community_text()
        assert MARK.sub("", page).rstrip("\n") == community.rstrip("\n"), self.where(
            f"the questions page is not the community's text plus marks:\n{page}\n---\n{community}")
        notes = self.s.reader.text(self.s.notes(DAY)) or ""
        held = {}
        for line in notes.split("\n"):
            for anchor in NOTES_ANCHOR.findall(line):
                token = TOKEN.search(line)
                held[anchor] = int(token[1]) if token else None
        for line in page.split("\n"):
            token = TOKEN.search(line)
            for anchor in MARK_ANCHOR.findall(line):
                assert anchor in held, self.where(f"a mark links to {anchor}, which the notes do not hold:\n{line}")
                assert token and held[anchor] == int(token[1]), self.where(
                    f"the mark beside K{token[1] if token else '?'} links to K{held[anchor]}'s answer")

    def play(self, steps: int) -> None:
        community = (self.add, self.add, self.add, self.reword, self.move, self.reply, self.resign)
        staff = (self.answer, self.answer, self.delete, self.shuffle, self.status)
        runs = (self.tick, self.tick, self.publish, self.harvest)
        for self.step in range(steps):
            if self.step == steps // 2:
                self.started = True
            kind = self.rng.choice(("community", "community", "staff", "run", "run"))
            if kind == "staff" and not self.started and self.rng.random() < 0.5:
                kind = "community"
            action = self.rng.choice({"community": community, "staff": staff, "run": runs}[kind])
            self.log.append(action.__name__)
            action()
            self.check()


@pytest.mark.parametrize("seed", SEEDS)
def test_a_season_of_random_edits_keeps_ids_marks_and_people_s_text(wiki, tmp_path, proxy, seed):
    s = ProxiedScenario(wiki, tmp_path, proxy=proxy, series_extra={"time": "18:00"})
    s.run_ok("new-session", DAY, "-always")
    season = Season(s, random.Random(seed), seed)
    season.add()
    season.play(STEPS)
    # The season ends with staff ready and one more publish: the final notes
    # and marks agree.
    if season.draft_text() is not None:
        season.started = True
        season.bot("publish", DAY, "-always", "--force")
        season.check()
