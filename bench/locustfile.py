"""The simulated people of the load test (``bench.load``), run with locust as a library in a
process of their own (locust patches the standard library for gevent on import, so this module
never imports Django):

    python -m bench.locustfile plan.json result.json

The plan (written by ``bench.load``) holds the server's address, the phases, and for every
simulated person a session cookie and what they work on. Every phase starts its users at
once, lets them warm up for a few seconds, then records every request for ``seconds``:

- ``learner``: opens lessons and marks them done, opens the final quiz, starts an attempt,
  answers the questions one by one as the page's htmx autosave does (answer values read from
  the form, the right one with probability ``skill``), hands in and reads the review; then the
  next course (enrolling in another one when all are done). ``lesson`` and ``answer`` phases
  only open lessons, or only save answers in an open attempt;
- ``trainer``: the progress pages of their groups; ``analyst``: the organisation dashboard;
- ``baseline``: a small signed-in page, for the machine's limit.

The result has, per phase and request name, the count, the status codes and p50/p95, and for
the integrity checks every answer the server confirmed and every hand-in it accepted.
"""

import html
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from http.cookiejar import Cookie, DefaultCookiePolicy
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, task
from locust.env import Environment
from locust.exception import StopUser

PLAN: dict = {}
STATE = {
    "mode": "",
    "recording": False,
    "stopping": False,
    "in_flight": 0,
    "ready": 0,
    "taken": Counter(),
}
TIMINGS: dict[str, list[float]] = defaultdict(list)
STATUSES: dict[str, Counter] = defaultdict(Counter)
SAVES: dict[str, list[int]] = {}  # "attempt:question" -> the positions the server confirmed
SAVE_COUNT = Counter()
HANDINS: set[int] = set()
USED_LEARNERS: set[int] = set()

INPUT = re.compile(r'<input type="(radio|checkbox)" name="q(\d+)" value="(\d+)" id="([^"]+)"')
LABEL = re.compile(r'<label for="([^"]+)">(.*?)</label>', re.S)
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
ATTEMPT = re.compile(r"/assessments/attempts/(\d+)/")


def loopback_policy() -> DefaultCookiePolicy:
    """Secure cookies go to 127.0.0.1 over plain HTTP, as browsers do for loopback (an
    argument: the policy's constructor sets ``secure_protocols`` on the instance)."""
    return DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))


def on_request(request_type, name, response_time, response, exception, **_kwargs):
    if not STATE["recording"]:
        return
    status = getattr(response, "status_code", 0) or 0
    TIMINGS[name].append(response_time)
    STATUSES[name][0 if exception and not status else status] += 1


class Person(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    connection_timeout = 60.0
    network_timeout = 120.0
    role = ""

    def on_start(self):
        self.client.cookiejar.set_policy(loopback_policy())
        self.csrf = ""
        try:
            self.account = self.take()
            if self.account is None:
                raise StopUser()
            self.sign_in(self.account["cookie"])
            self.prepare()
        finally:
            STATE["ready"] += 1

    def prepare(self):
        """What a person does before the phase is measured."""

    def take(self):
        people = PLAN[self.role + "s"]
        number = STATE["taken"][self.role]
        STATE["taken"][self.role] += 1
        return people[number % len(people)] if people else None

    def sign_in(self, cookie: str) -> None:
        """The session of a person who signed in earlier (``bench.load`` made it)."""
        self.client.cookiejar.clear()
        self.client.cookiejar.set_cookie(
            Cookie(0, PLAN["session_cookie"], cookie, None, False, PLAN["host"], False, False,
                   "/", True, True, None, False, None, None, {})
        )  # fmt: skip

    def request(self, method: str, path: str, name: str, **kwargs):
        """One request; none starts once the phase is ending, so that every request the
        server handled also came back (the integrity checks count on it)."""
        if STATE["stopping"]:
            raise StopUser()
        STATE["in_flight"] += 1
        try:
            return self.client.request(method, path, name=name, allow_redirects=False, **kwargs)
        finally:
            STATE["in_flight"] -= 1

    def page(self, path: str, name: str):
        response = self.request("GET", path, name)
        found = CSRF.search(response.text or "") if response.status_code == 200 else None
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, name: str, data: dict | list, **headers):
        headers = {
            "X-CSRFToken": self.csrf,
            "Content-Type": "application/x-www-form-urlencoded",
            **headers,
        }
        return self.request("POST", path, name, data=urlencode(data, doseq=True), headers=headers)


class Baseline(Person):
    role = "baseline"

    @task
    def baseline(self):
        self.page(PLAN["baseline_path"], "baseline")


class Trainer(Person):
    role = "trainer"

    @task
    def group_page(self):
        group = random.choice(self.account["groups"])
        self.page(f"/trainer/groups/{group}/", "group_page")


class Analyst(Person):
    role = "analyst"

    @task
    def dashboard(self):
        self.page(self.account["path"], "dashboard")


class Learner(Person):
    role = "learner"

    def on_start(self):
        self.open_attempt = None
        super().on_start()
        USED_LEARNERS.add(self.account["id"])

    def prepare(self):
        if STATE["mode"] == "answer":  # the attempt is open before answers are timed
            self.start_an_attempt()

    # --- what a learner does --------------------------------------------------------------

    @task
    def act(self):
        mode = STATE["mode"]
        if mode == "lesson":
            self.read_lesson()
        elif mode == "answer":
            self.change_an_answer()
        else:
            self.study_a_course()

    def read_lesson(self):
        enrolment = random.choice(self.account["enrolments"])
        lesson = random.choice(enrolment["lessons"])
        self.page(f"/courses/{enrolment['course']}/lessons/{lesson}/", "lesson_page")

    def change_an_answer(self):
        if self.open_attempt is None and not self.start_an_attempt():
            self.read_lesson()
            return
        attempt, questions = self.open_attempt
        question = random.choice(questions)
        self.answer(attempt, question)

    def study_a_course(self):
        enrolment = self.next_enrolment()
        if enrolment is None:
            self.read_lesson()
            return
        course = enrolment["course"]
        todo = [slug for slug in enrolment["lessons"] if slug not in enrolment["done"]]
        for slug in todo or [random.choice(enrolment["lessons"])]:
            url = f"/courses/{course}/lessons/{slug}/"
            if self.page(url, "lesson_page").status_code != 200 or slug not in todo:
                continue
            done = self.post(f"{url}done/", "lesson_done", {"csrfmiddlewaretoken": self.csrf})
            if done.status_code == 302 and done.headers.get("Location", "") != url:
                enrolment["done"].append(slug)
            else:
                break  # not yet (study time): on to the quiz, as an impatient learner does
        if self.start_attempt(enrolment):
            attempt, questions = self.open_attempt
            for question in questions:
                self.answer(attempt, question)
            self.hand_in(attempt, questions)
        enrolment["closed"] = True  # passed, or the next attempt opens only in 24 hours

    def next_enrolment(self):
        for enrolment in self.account["enrolments"]:
            if not enrolment.get("closed") and enrolment.get("quiz"):
                return enrolment
        enrolled = {e["course"] for e in self.account["enrolments"]}
        for slug, course in PLAN["courses"].items():
            if slug not in enrolled and course["quiz"]:
                self.page(f"/courses/{slug}/", "course_page")
                self.post(f"/courses/{slug}/enrol/", "enrol", {"csrfmiddlewaretoken": self.csrf})
                enrolment = {"course": slug, "lessons": course["lessons"], "done": []}
                enrolment["quiz"] = course["quiz"]
                self.account["enrolments"].append(enrolment)
                return enrolment
        spare = PLAN["spare_learners"]
        if spare:  # this learner has done everything: another one signs in
            self.account = spare.pop()
            USED_LEARNERS.add(self.account["id"])
            self.sign_in(self.account["cookie"])
            self.open_attempt = None
            return self.next_enrolment()
        return None

    # --- the final quiz -------------------------------------------------------------------

    def start_an_attempt(self) -> bool:
        for enrolment in self.account["enrolments"]:
            if enrolment.get("quiz") and not enrolment.get("closed"):
                if self.start_attempt(enrolment):
                    return True
                enrolment["closed"] = True
        return self.next_enrolment() is not None and self.start_an_attempt()

    def start_attempt(self, enrolment) -> bool:
        quiz = enrolment["quiz"]
        self.page(f"/assessments/quizzes/{quiz}/", "quiz_page")
        started = self.post(
            f"/assessments/quizzes/{quiz}/start/", "quiz_start", {"csrfmiddlewaretoken": self.csrf}
        )
        found = ATTEMPT.search(started.headers.get("Location", "") or "")
        if started.status_code != 302 or not found:
            self.open_attempt = None
            return False
        attempt = int(found.group(1))
        page = self.page(f"/assessments/attempts/{attempt}/", "attempt_page")
        questions = parse_questions(page.text or "") if page.status_code == 200 else []
        self.open_attempt = (attempt, questions) if questions else None
        return bool(questions)

    def answer(self, attempt: int, question: dict) -> None:
        positions = choose(question)
        question["chosen"] = positions
        response = self.post(
            f"/assessments/attempts/{attempt}/questions/{question['id']}/",
            "answer_save",
            {f"q{question['id']}": [str(p) for p in positions]},
            **{"HX-Request": "true"},
        )
        if response.status_code == 200 and "academy-error" not in (response.text or ""):
            SAVES[f"{attempt}:{question['id']}"] = positions
            SAVE_COUNT["confirmed"] += 1

    def hand_in(self, attempt: int, questions: list[dict]) -> None:
        data = [("csrfmiddlewaretoken", self.csrf), ("submit", "1")]
        for question in questions:  # the form sends the checked answers again
            data += [(f"q{question['id']}", str(p)) for p in question.get("chosen", [])]
        response = self.post(f"/assessments/attempts/{attempt}/save/", "quiz_submit", data)
        self.open_attempt = None
        if response.status_code == 302 and "/review/" in response.headers.get("Location", ""):
            HANDINS.add(attempt)
            self.page(f"/assessments/attempts/{attempt}/review/", "review_page")


def parse_questions(text: str) -> list[dict]:
    """The questions of an attempt page as a browser shows them: per question its choices
    (position, label) in the page's order."""
    labels = {target: html.unescape(label).strip() for target, label in LABEL.findall(text)}
    questions: dict[int, dict] = {}
    for kind, question_id, position, target in INPUT.findall(text):
        question = questions.setdefault(
            int(question_id), {"id": int(question_id), "kind": kind, "choices": []}
        )
        question["choices"].append((int(position), labels.get(target, "")))
    return list(questions.values())


def choose(question: dict) -> list[int]:
    """The right answer with probability ``skill`` (the learner knows the texts of the right
    choices), otherwise a wrong one, as a learner clicks it."""
    right_texts = set(PLAN["correct"].get(str(question["id"]), []))
    right = [p for p, label in question["choices"] if label in right_texts]
    wrong = [p for p, label in question["choices"] if label not in right_texts]
    if right and (random.random() < PLAN["skill"] or not wrong):
        return right if question["kind"] == "checkbox" else right[:1]
    return [random.choice(wrong or [p for p, _label in question["choices"]])]


ROLES = {"baseline": Baseline, "learner": Learner, "trainer": Trainer, "analyst": Analyst}


def run_phase(phase: dict) -> dict:
    classes = []
    for role, count in phase["users"].items():
        if count:
            ROLES[role].fixed_count = count
            classes.append(ROLES[role])
    total = sum(phase["users"].values())
    STATE.update(mode=phase["mode"], recording=False, ready=0, taken=Counter())
    TIMINGS.clear()
    STATUSES.clear()
    environment = Environment(user_classes=classes, host=PLAN["base_url"])
    environment.events.request.add_listener(on_request)
    runner = environment.create_local_runner()
    runner.start(total, spawn_rate=min(100, max(1, total / 2)))
    deadline = time.monotonic() + 300
    while STATE["ready"] < total and time.monotonic() < deadline:
        gevent.sleep(0.2)
    gevent.sleep(phase["warmup"])
    STATE["recording"] = True
    started = time.monotonic()
    gevent.sleep(phase["seconds"])
    STATE.update(recording=False, stopping=True)
    elapsed = time.monotonic() - started
    deadline = time.monotonic() + 120
    while STATE["in_flight"] and time.monotonic() < deadline:
        gevent.sleep(0.1)
    runner.quit()
    STATE["stopping"] = False
    names = {}
    for name, timings in TIMINGS.items():
        ordered = sorted(timings)
        statuses = STATUSES[name]
        names[name] = {
            "count": len(ordered),
            "per_second": round(len(ordered) / elapsed, 1),
            "p50_ms": round(ordered[len(ordered) // 2], 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
            "statuses": {str(code): n for code, n in statuses.most_common()},
            "errors_5xx": sum(n for code, n in statuses.items() if code >= 500),
            "errors_other": statuses.get(0, 0),
        }
    return {"seconds": round(elapsed, 1), "users": phase["users"], "names": names}


def main(plan_path: str, result_path: str) -> int:
    PLAN.update(json.loads(open(plan_path).read()))
    random.seed(PLAN.get("seed", 1))
    phases = {}
    for phase in PLAN["phases"]:
        print(f"load: phase {phase['name']}: {phase['users']} for {phase['seconds']} s", flush=True)
        phases[phase["name"]] = run_phase(phase)
    result = {
        "phases": phases,
        "saves": SAVES,
        "saves_confirmed": SAVE_COUNT["confirmed"],
        "handins": sorted(HANDINS),
        "learners": sorted(USED_LEARNERS),
    }
    with open(result_path, "w") as out:
        json.dump(result, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
