"""The measurements of the benchmark: a registry of functions, one per page or job.

Add a row by registering a function that returns a ``Probe`` (which client asks for which URL)::

    @scenario("certificate_verify", target_p95_ms=30)
    def certificate_verify(ctx: BenchContext) -> Probe:
        return Probe(client=ctx.anonymous(), path=reverse("certificates:verify", args=[...]))

``ctx.info["context"]`` holds the ids the generator picked (a learner of the large
organisation, the trainer of the big group ...); ``ctx.client_for(user_id)`` is a logged-in
``django.test.Client``. A probe that cannot be built (a page that does not exist yet) returns
``None`` and is reported as ``missing``. ``items`` turns a row into a throughput row:
``per_second`` = items ÷ median seconds.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.models import User


@dataclass
class Probe:
    client: Client | None
    path: str
    method: str = "get"
    data: dict | None = None
    headers: dict = field(default_factory=dict)
    items: int | None = None  # for throughput rows: what one request processes
    # Called before every request, outside the timing: for requests that can only be made
    # once (submitting an attempt), it sets up a fresh object and may change ``path``.
    prepare: Callable[["Probe"], None] | None = None
    # The status that proves the work was done: 200 for pages; 302 to the review page for a
    # form POST that redirects after it graded (``expect_location`` must be in the Location).
    expect_status: int = 200
    expect_location: str = ""
    # A job measured without HTTP (rendering a PDF, a batch through the workers): called
    # instead of a request; the row is ok when it returns without raising.
    call: Callable[[], None] | None = None
    measure_queries: bool = True  # False: the job is too long to run once more for the count


@dataclass
class Scenario:
    name: str
    build: Callable[["BenchContext"], Probe | None]
    target_p95_ms: float | None = None
    target_queries: int | None = None
    iterations: int | None = None  # None: BENCH_ITERATIONS
    warmup: int | None = None  # None: BENCH_WARMUP
    target_per_second: float | None = None
    # A run that measures several rows at once (the load test): returns the rows itself.
    # BENCH_ONLY selects it by its name or by any of ``rows``.
    run: Callable[["BenchContext"], list[dict]] | None = None
    rows: tuple[str, ...] = ()


REGISTRY: dict[str, Scenario] = {}


def scenario(
    name: str,
    *,
    target_p95_ms: float | None = None,
    target_queries: int | None = None,
    iterations: int | None = None,
    warmup: int | None = None,
    target_per_second: float | None = None,
):
    def register(fn: Callable[["BenchContext"], Probe | None]):
        REGISTRY[name] = Scenario(
            name, fn, target_p95_ms, target_queries, iterations, warmup, target_per_second
        )
        return fn

    return register


def suite(name: str, *, rows: tuple[str, ...]):
    """Register a run that measures ``rows`` together and returns them as row dicts (``name``,
    ``p50_ms``, ``p95_ms``, ``status`` … as ``bench.run.measure`` makes them)."""

    def register(fn: Callable[["BenchContext"], list[dict]]):
        REGISTRY[name] = Scenario(name, build=lambda ctx: None, run=fn, rows=rows)
        return fn

    return register


class BenchContext:
    def __init__(self, info: dict):
        self.info = info
        self.context = info.get("context", {})
        self._clients: dict[int, Client] = {}

    def client_for(self, user_id: int) -> Client:
        if user_id not in self._clients:
            client = Client()
            client.force_login(User.objects.get(pk=user_id))
            self._clients[user_id] = client
        return self._clients[user_id]

    def anonymous(self) -> Client:
        return Client()


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _learner_probe(ctx: BenchContext, name: str, *args) -> Probe | None:
    path = _url(name, *args)
    learner = ctx.context.get("learner")
    if path is None or learner is None:
        return None
    return Probe(client=ctx.client_for(learner), path=path)


# --- learner pages --------------------------------------------------------------------------


@scenario("lesson_page", target_p95_ms=30, target_queries=10)
def lesson_page(ctx: BenchContext) -> Probe | None:
    """A learner of the large organisation opens the next lesson of an assigned course."""
    return _learner_probe(
        ctx, "courses:lesson", ctx.context.get("course"), ctx.context.get("lesson")
    )


@scenario("course_page", target_p95_ms=40)
def course_page(ctx: BenchContext) -> Probe | None:
    return _learner_probe(ctx, "courses:course", ctx.context.get("course"))


@scenario("my_learning", target_p95_ms=50)
def my_learning(ctx: BenchContext) -> Probe | None:
    return _learner_probe(ctx, "courses:my_learning")


@scenario("catalogue_anonymous")
def catalogue_anonymous(ctx: BenchContext) -> Probe | None:
    path = _url("courses:catalogue")
    return Probe(client=ctx.anonymous(), path=path) if path else None


# --- platform -------------------------------------------------------------------------------


@scenario("healthz", target_p95_ms=10)
def healthz(ctx: BenchContext) -> Probe | None:
    """The load balancer's health check: database, cache, broker and the workers' heartbeat
    (read from the cache, no broadcast to the workers). Meaningful with REDIS_URL set: without
    it, tasks run in-process and broker and workers are ``eager``."""
    path = _url("healthz")
    return Probe(client=ctx.anonymous(), path=path) if path else None


# --- trainer pages --------------------------------------------------------------------------


def _trainer_probe(ctx: BenchContext, path: str | None, **kwargs) -> Probe | None:
    if path is None or "trainer" not in ctx.context:
        return None
    return Probe(client=ctx.client_for(ctx.context["trainer"]), path=path, **kwargs)


@scenario("trainer_group_page", target_p95_ms=80)
def trainer_group_page(ctx: BenchContext) -> Probe | None:
    """The trainer of the big group opens its progress page (first page of 50)."""
    return _trainer_probe(ctx, _url("trainer:group", ctx.context.get("group")))


@scenario("trainer_group_page_filtered")
def trainer_group_page_filtered(ctx: BenchContext) -> Probe | None:
    """Filtered on "not completed", sorted by progress, page 3, as an htmx request."""
    path = _url("trainer:group", ctx.context.get("group"))
    return _trainer_probe(
        ctx,
        f"{path}?status=not_done&sort=-progress&page=3" if path else None,
        headers={"HX-Request": "true"},
    )


@scenario("trainer_home")
def trainer_home(ctx: BenchContext) -> Probe | None:
    return _trainer_probe(ctx, _url("trainer:home"))


@scenario("trainer_group_export")
def trainer_group_export(ctx: BenchContext) -> Probe | None:
    """Throughput: the whole big group's progress as CSV (learners per second)."""
    from organisations.models import GroupMember

    group = ctx.context.get("group")
    members = GroupMember.objects.filter(group_id=group).count() if group else 0
    return _trainer_probe(ctx, _url("trainer:group_export", group), items=members)


# --- assessments ----------------------------------------------------------------------------


def _final_quiz_enrolment(ctx: BenchContext):
    """The bench learner's enrolment in a course with a final quiz (enrolled if needed)."""
    from assessments.models import Quiz
    from courses.models import Enrolment
    from courses.services.learning import enrol

    learner = ctx.context.get("learner")
    if learner is None:
        return None, None
    quiz = (
        Quiz.objects.filter(kind=Quiz.Kind.FINAL, questions_per_attempt=15)
        .select_related("course")
        .order_by("course__slug")
        .first()
    )
    if quiz is None:
        return None, None
    enrolment = Enrolment.objects.filter(user_id=learner, course=quiz.course).first()
    if enrolment is None:
        enrolment = enrol(user=User.objects.get(pk=learner), course=quiz.course)
    return quiz, enrolment


def _fresh_attempt(quiz, enrolment, *, answered: bool):
    """An open attempt of 15 drawn questions, every answer already saved (as autosave does)."""
    from django.utils import timezone

    from assessments.models import Attempt, Choice, Response
    from assessments.services import draw_layout

    Attempt.objects.filter(quiz=quiz, enrolment=enrolment, status="in_progress").update(
        status="submitted", submitted_at=timezone.now()
    )
    number = Attempt.objects.filter(quiz=quiz, enrolment=enrolment).count() + 1
    attempt = Attempt.objects.create(
        quiz=quiz,
        enrolment=enrolment,
        user_id=enrolment.user_id,
        number=number,
        layout=draw_layout(quiz=quiz),
        started_at=timezone.now(),
    )
    if answered:
        right = dict(
            Choice.objects.filter(
                question_id__in=[e["q"] for e in attempt.layout], is_correct=True
            ).values_list("question_id", "pk")
        )
        Response.objects.bulk_create(
            Response(
                attempt=attempt,
                question_id=entry["q"],
                selected=[right[entry["q"]]],
                answered_at=timezone.now(),
            )
            for entry in attempt.layout
        )
    return attempt


@scenario("quiz_page", target_p95_ms=40)
def quiz_page(ctx: BenchContext) -> Probe | None:
    """A learner opens an attempt of the final quiz (15 questions with their choices)."""
    quiz, enrolment = _final_quiz_enrolment(ctx)
    if quiz is None:
        return None
    attempt = _fresh_attempt(quiz, enrolment, answered=False)
    path = _url("assessments:attempt", attempt.pk)
    return Probe(client=ctx.client_for(enrolment.user_id), path=path) if path else None


@scenario("quiz_answer_save", target_p95_ms=15, target_queries=6)
def quiz_answer_save(ctx: BenchContext) -> Probe | None:
    """A learner picks an answer in an open final-quiz attempt (htmx autosave): the most
    frequent write of the platform. Only the question's save status comes back."""
    quiz, enrolment = _final_quiz_enrolment(ctx)
    if quiz is None:
        return None
    attempt = _fresh_attempt(quiz, enrolment, answered=False)
    entry = attempt.layout[len(attempt.layout) // 2]
    path = _url("assessments:answer", attempt.pk, entry["q"])
    if path is None:
        return None
    turn = {"n": 0}

    def prepare(probe: Probe) -> None:  # alternate the answer, so each request writes
        turn["n"] += 1
        probe.data = {f"q{entry['q']}": str(turn["n"] % len(entry["c"]))}

    return Probe(
        client=ctx.client_for(enrolment.user_id),
        path=path,
        method="post",
        data={f"q{entry['q']}": "0"},
        headers={"HX-Request": "true"},
        prepare=prepare,
    )


@scenario("quiz_submit", target_p95_ms=50, target_queries=25)
def quiz_submit(ctx: BenchContext) -> Probe | None:
    """A learner hands in a final-quiz attempt of 15 answered questions (graded on the server).
    Each request submits a new attempt, prepared outside the timing."""
    quiz, enrolment = _final_quiz_enrolment(ctx)
    if quiz is None or _url("assessments:save", 1) is None:
        return None

    def prepare(probe: Probe) -> None:
        attempt = _fresh_attempt(quiz, enrolment, answered=True)
        probe.path = _url("assessments:save", attempt.pk)

    return Probe(
        client=ctx.client_for(enrolment.user_id),
        path="",
        method="post",
        data={"submit": "1"},
        prepare=prepare,
        expect_status=302,
        expect_location="/review/",
    )


from bench import certificates as _certificates  # noqa: E402,F401  (registers its rows)
from bench import load as _load  # noqa: E402,F401  (registers its rows)
from bench import reporting as _reporting  # noqa: E402,F401  (registers its rows)
