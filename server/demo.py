"""A demo community (幸福社区) with realistic residents and some history, so
every screen has something to show. Deterministic for a given seed and day.

`build_demo()` gives ~300 households in 3 grids with diary entries over the
last ~60 days, needs in every status with their events, errands and review
comments. Keyword parameters make bigger data sets for the benchmarks:
`build_demo(households_per_grid=500, entries=10_000, needs=2_000, grid_count=1)`.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fieldapp.domain.cadence import (
    DEFAULT_CADENCE_DAYS,
    DEFAULT_MONTHLY_VISIT_QUOTA,
    DEFAULT_REGULAR_INTERVAL_DAYS,
    interval_days,
)
from fieldapp.domain.deadlines import default_deadline
from fieldapp.domain.enums import ErrandStatus, Handling, NeedEventKind, NeedStatus, Role, VisitKind
from fieldapp.domain.needs import event_changes

from . import names as n

DEMO_PASSWORD = "demo1234"
SPECIAL_SHARE = 0.2
HISTORY_DAYS = 60
Record = tuple[str, str, dict[str, Any]]

# primary tag -> weight, and the tags that plausibly come with it
PRIMARY_TAGS: dict[str, int] = {
    "living_alone": 22, "empty_nest": 30, "disabled": 15, "low_income": 15,
    "bereaved_only_child": 4, "community_correction": 4, "severe_mental_illness": 5,
    "entitled_group": 8,
}
SECOND_TAGS: dict[str, list[str]] = {
    "living_alone": ["disabled", "low_income", "entitled_group"],
    "empty_nest": ["disabled", "entitled_group", "low_income"],
    "disabled": ["low_income", "living_alone"],
    "low_income": ["disabled"],
    "bereaved_only_child": ["living_alone", "low_income"],
    "community_correction": ["low_income"],
    "severe_mental_illness": ["low_income", "disabled"],
    "entitled_group": ["empty_nest", "living_alone"],
}
_FEMALE_NAMES = {name for (_, sex), names in n.GIVEN_NAMES.items() if sex == "f" for name in names}
WORKER_NAMES = ["刘红梅", "王建军", "赵丽娟", "孙海燕", "陈志刚", "杨晓东", "周春燕", "吴立新",
                "徐艳华", "郭卫东"]


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    display_name: str
    role: str
    grid_ids: list[str]
    id: str = ""  # the user id the demo records refer to (worker_id, owner_id, …)
    phone: str | None = None


@dataclass(frozen=True)
class DemoGrid:
    id: str
    name: str


@dataclass
class DemoCommunity:
    community_id: str
    grids: list[DemoGrid]
    users: list[DemoUser]
    records: list[Record] = field(default_factory=list)
    today: date = field(default_factory=lambda: datetime.now(UTC).date())

    def count(self, entity: str) -> int:
        return sum(1 for e, _, _ in self.records if e == entity)


class _Gen:
    """Random choices for one build: ids, names, phones, times."""

    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self._surnames = [s for s, _ in n.SURNAMES]
        self._weights = [w for _, w in n.SURNAMES]
        self.unused_tags = list(PRIMARY_TAGS)

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def surname(self) -> str:
        return self.rng.choices(self._surnames, self._weights)[0]

    def given(self, birth_year: int, sex: str) -> str:
        cohort = "old" if birth_year < 1962 else "mid" if birth_year < 1988 else "young"
        return self.rng.choice(n.GIVEN_NAMES[(cohort, sex)])

    def phone(self) -> str:
        return self.rng.choice(n.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def masked_id(self, sex: str) -> str:
        """Only the masked form is ever made: 2201**********123X.
        The 17th digit is odd for men, even for women, as on real cards."""
        seq = self.rng.randrange(10, 100)
        gender = self.rng.choice("13579" if sex == "m" else "02468")
        check = self.rng.choice("0123456789X")
        return self.rng.choice(n.ID_PREFIXES) + "*" * 10 + f"{seq}{gender}{check}"

    def at(self, days_ago: float) -> datetime:
        """A working-hours moment (08:30–17:00 Beijing time) `days_ago` days back."""
        day = self.today - timedelta(days=int(days_ago))
        minutes = self.rng.randrange(30, 9 * 60)  # 00:30–09:00 UTC
        return datetime.combine(day, time(0, 0), UTC) + timedelta(minutes=minutes)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# ---------------------------------------------------------------- households


def _tags(g: _Gen) -> list[str]:
    if g.rng.random() >= SPECIAL_SHARE:
        return []
    if g.unused_tags:  # the first special households cover every tag, so every screen has one
        primary = g.unused_tags.pop()
    else:
        primary = g.rng.choices(list(PRIMARY_TAGS), list(PRIMARY_TAGS.values()))[0]
    if g.rng.random() < 0.25:
        return [primary, g.rng.choice(SECOND_TAGS[primary])]
    return [primary]


def _person(g: _Gen, relation: str, born: tuple[int, int], sex: str, surname: str | None = None,
            with_id: bool = False) -> dict[str, Any]:
    year = g.rng.randint(*born)
    person: dict[str, Any] = {
        "name": (surname or g.surname()) + g.given(year, sex),
        "relation": relation,
        "birth_year": year,
    }
    age = g.today.year - year
    if 16 <= age <= 85 and g.rng.random() < 0.9:
        person["phone"] = g.phone()
    if with_id:
        person["id_number"] = g.masked_id(sex)
    return person


def _members(g: _Gen, tags: list[str]) -> list[dict[str, Any]]:
    """Who lives there, shaped by the household's main tag."""
    primary = "living_alone" if "living_alone" in tags else (tags[0] if tags else "")
    sex = "f" if g.rng.random() < 0.45 else "m"
    if primary in ("living_alone", "bereaved_only_child", "entitled_group"):
        born = (1936, 1956) if primary != "bereaved_only_child" else (1950, 1966)
        head = _person(g, "head", born, sex, with_id=True)
        people = [head]
        if primary != "living_alone" and g.rng.random() < 0.4:
            people.append(_spouse(g, head))
        return people
    if primary == "empty_nest":
        head = _person(g, "head", (1940, 1960), "m", with_id=True)
        return [head, _spouse(g, head)]
    if primary == "severe_mental_illness":
        head = _person(g, "head", (1945, 1965), "m", with_id=True)
        surname = head["name"][0]
        born = (head["birth_year"] + 22, head["birth_year"] + 35)
        return [head, _person(g, "child", born, g.rng.choice("mf"), surname, with_id=True)]
    if primary == "community_correction":
        head = _person(g, "head", (1970, 2000), "m", with_id=True)
        return [head] + ([_person(g, "parent", (1945, 1968), "f")] if g.rng.random() < 0.5 else [])
    return _family(g, primary)


def _spouse(g: _Gen, head: dict[str, Any]) -> dict[str, Any]:
    year = head["birth_year"]
    sex = "m" if head["name"][1:] in _FEMALE_NAMES else "f"
    return _person(g, "spouse", (year - 2, min(year + 5, g.today.year - 20)), sex, with_id=True)


def _family(g: _Gen, primary: str) -> list[dict[str, Any]]:
    """An ordinary family: a couple, children, sometimes a grandparent."""
    shape = g.rng.random()
    if primary in ("disabled", "low_income") or shape < 0.55:
        head = _person(g, "head", (1960, 1988), "m", with_id=True)
        surname = head["name"][0]
        people = [head]
        if g.rng.random() < 0.85:
            people.append(_spouse(g, head))
        kids = (head["birth_year"] + 22, min(head["birth_year"] + 40, g.today.year - 1))
        for _ in range(g.rng.choice([1, 1, 1, 2])):
            people.append(_person(g, "child", kids, g.rng.choice("mf"), surname))
        if g.rng.random() < 0.2:
            people.append(_person(g, "parent", (head["birth_year"] - 32, head["birth_year"] - 22), "f"))
        return _distinct_names(g, people)
    if shape < 0.75:
        head = _person(g, "head", (1988, 2000), "m", with_id=True)
        return [head, _spouse(g, head)]
    head = _person(g, "head", (1945, 1962), "m", with_id=True)
    surname = head["name"][0]
    child = _person(g, "child", (head["birth_year"] + 23, head["birth_year"] + 32), "m", surname)
    grandchild = _person(g, "grandchild", (child["birth_year"] + 24, min(child["birth_year"] + 36, 2022)),
                         g.rng.choice("mf"), surname)
    return _distinct_names(g, [head, _spouse(g, head), child, grandchild])


def _distinct_names(g: _Gen, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Siblings never share a name: re-draw the given name of a repeat."""
    seen: set[str] = set()
    for person in people:
        sex = g.rng.choice("mf")
        while person["name"] in seen:
            person["name"] = person["name"][0] + g.given(person["birth_year"], sex)
        seen.add(person["name"])
    return people


def _addresses(g: _Gen, grid_index: int, count: int) -> list[dict[str, str]]:
    """Distinct building/unit/room addresses in the grid's streets: 6-floor walk-ups,
    2 rooms a floor; big benchmark grids get taller buildings."""
    streets = n.GRID_STREETS[grid_index % len(n.GRID_STREETS)]
    floors = 6
    while True:
        slots = [(street, b, u, f * 100 + r)
                 for street, buildings in streets for b in range(1, buildings + 1)
                 for u in range(1, 4) for f in range(1, floors + 1) for r in (1, 2)]
        if len(slots) >= count:
            break
        floors += 6
    chosen = sorted(g.rng.sample(slots, count))
    suffix = "号楼" if grid_index % 2 else "栋"
    return [{"street": street, "building": f"{b}{suffix}", "unit": f"{u}单元", "room": str(room)}
            for street, b, u, room in chosen]


def _households(g: _Gen, grid: DemoGrid, grid_index: int, count: int) -> list[dict[str, Any]]:
    out = []
    for address in _addresses(g, grid_index, count):
        tags = _tags(g)
        members = _members(g, tags)
        created = g.at(g.rng.randint(200, 900))
        household = {
            "id": g.uid(), "grid_id": grid.id, "address": address,
            "head_name": members[0]["name"], "members": members, "tags": tags,
            "created_at": iso(created), "archived": False,
        }
        if tags and g.rng.random() < 0.3:
            household["notes"] = g.rng.choice(["子女在外地，电话见成员信息。", "耳背，敲门要大声。",
                                               "行动不便，请上门办理。", "家里养狗，进门先打招呼。"])
        out.append(household)
    return out


# ------------------------------------------------------------------ diary


def _entry(g: _Gen, household: dict[str, Any], worker_id: str, moment: datetime,
           kind: str | None = None, notes: str | None = None) -> dict[str, Any]:
    tags = household["tags"]
    key = g.rng.choice(tags) if tags else ""
    if kind is None:
        kind = VisitKind.SPECIAL if tags else VisitKind.REGULAR
        if g.rng.random() < 0.08:
            kind = VisitKind.ON_REQUEST
    cats = g.rng.sample(n.TAG_CATEGORIES[key], k=min(2, len(n.TAG_CATEGORIES[key])))
    return {
        "id": g.uid(), "household_id": household["id"], "grid_id": household["grid_id"],
        "worker_id": worker_id, "visited_at": iso(moment), "kind": str(kind),
        "notes": notes or g.rng.choice(n.VISIT_NOTES[key]), "categories": cats[: g.rng.randint(1, 2)],
        "photos": [],
    }


def _visit_days(g: _Gen, household: dict[str, Any], community: dict[str, Any]) -> list[int]:
    """Days ago of this household's visits: special households on their
    cadence over the last HISTORY_DAYS, some of them overdue; every other
    household had its regular visit (定期访) within about one interval, a few
    of them now due or a little overdue — as in a community that keeps up."""
    if not household["tags"]:
        regular = community.get("regular_interval_days") or 90
        return [g.rng.randint(3, regular + 12)]
    every = interval_days(household["tags"], community)
    last = every + g.rng.randint(1, 20) if g.rng.random() < 0.15 else g.rng.randint(1, max(1, every - 1))
    days = []
    while last <= HISTORY_DAYS:
        days.append(last)
        last += max(1, every + g.rng.randint(-2, 1))
    return days


def _history_entries(g: _Gen, households: list[dict[str, Any]], worker_id: str,
                     community: dict[str, Any]) -> list[dict[str, Any]]:
    entries = []
    for household in households:
        for days_ago in sorted(_visit_days(g, household, community), reverse=True):
            entries.append(_entry(g, household, worker_id, g.at(days_ago)))
    return entries


def _bulk_entries(g: _Gen, households: list[dict[str, Any]], worker_id: str, count: int) -> list[dict]:
    return [_entry(g, g.rng.choice(households), worker_id, g.at(g.rng.randint(1, 365)))
            for _ in range(count)]


# ------------------------------------------------------------------ needs


@dataclass
class _NeedPlan:
    household: dict[str, Any]
    worker_id: str
    coordinator_id: str
    raised: datetime
    target: str  # status to reach, if time allows
    with_entries: bool
    volunteer_id: str | None = None  # set: the need is passed to the volunteer as an errand


def _pick_template(g: _Gen, household: dict[str, Any]) -> tuple[str, str, str, str]:
    tags = household["tags"]
    if "severe_mental_illness" in tags and g.rng.random() < 0.5:
        return n.NEED_TEMPLATES[11]
    if "low_income" in tags and g.rng.random() < 0.4:
        return g.rng.choice([n.NEED_TEMPLATES[0], n.NEED_TEMPLATES[12]])
    return g.rng.choice(n.NEED_TEMPLATES)


def _need_records(g: _Gen, plan: _NeedPlan) -> list[Record]:
    """A need and its events, moved through `event_changes` so every step is a
    legal transition; entries for the raising visit and the follow-up visit."""
    errand_type = None
    if plan.volunteer_id:
        (title, details, handling, urgency), errand_type = g.rng.choice(n.ERRAND_NEEDS)
    else:
        title, details, handling, urgency = _pick_template(g, plan.household)
    hh, raised = plan.household, plan.raised
    now = datetime.combine(g.today, time(0, 0), UTC)  # nothing happens today or later
    out: list[Record] = []
    entry_id = None
    if plan.with_entries:
        entry = _entry(g, hh, plan.worker_id, raised, VisitKind.ON_REQUEST, f"居民反映：{title}。{details}")
        out.append(("diary_entry", entry.pop("id"), entry))
        entry_id = out[-1][1]
    need = {
        "household_id": hh["id"], "grid_id": hh["grid_id"], "raised_in_entry_id": entry_id,
        "first_responder_id": plan.worker_id, "owner_id": plan.worker_id, "assignee_id": None,
        "title": title, "details": details, "urgency": urgency, "handling": handling,
        "deadline": default_deadline(handling, raised.date()).isoformat(),
        "status": NeedStatus.OPEN.value, "raised_at": iso(raised),
    }
    need_id = g.uid()
    events: list[dict[str, Any]] = []

    def step(kind: str, moment: datetime, to_user_id: str | None = None, note: str = "",
             follow_up: dict[str, Any] | None = None) -> bool:
        if moment >= now:
            return False  # not happened yet: the need stays where it is
        need.update(event_changes(need, kind, actor_id=plan.worker_id, at=iso(moment),
                                  to_user_id=to_user_id, note=note, follow_up=follow_up))
        events.append({"need_id": need_id, "grid_id": hh["grid_id"], "kind": str(kind),
                       "actor_id": plan.worker_id, "at": iso(moment), "to_user_id": to_user_id,
                       "note": note})
        return True

    step(NeedEventKind.RAISED, raised)
    order = [s.value for s in NeedStatus]
    reach = order.index(plan.target)
    moment = raised + timedelta(hours=g.rng.randint(1, 3 if handling == Handling.IMMEDIATE else 20))
    if reach == 0 and g.rng.random() < 0.3:  # 首问负责: passed on only by an explicit hand-off
        step(NeedEventKind.HANDED_OFF, moment, to_user_id=plan.coordinator_id, note="转社区专干办理")
    if reach >= 1 and step(NeedEventKind.ACCEPTED, moment):
        if errand_type and step(NeedEventKind.ASSIGNED_ERRAND, moment + timedelta(hours=1),
                                to_user_id=plan.volunteer_id, note="派志愿者代办"):
            out.append(_errand_for_need(g, hh, need_id, errand_type, details, plan.volunteer_id or "",
                                        moment + timedelta(hours=1)))
        escalate = plan.target == NeedStatus.ESCALATED or urgency == "critical" or (
            handling == Handling.JOINT and g.rng.random() < 0.5)
        if escalate:
            moment += timedelta(hours=g.rng.randint(1, 6))
            step(NeedEventKind.ESCALATED, moment, to_user_id=plan.coordinator_id, note="已上报社区")
        if reach >= 3:
            resolved = _resolution_time(g, raised, need["deadline"])
            resolved = max(resolved, moment + timedelta(hours=1))
            if step(NeedEventKind.RESOLVED, resolved, note=g.rng.choice(n.OUTCOMES)) and reach >= 4:
                out += _follow_up(g, need, plan, resolved, step)
    out.append(("need", need_id, need))
    out += [("need_event", g.uid(), e) for e in events]
    return out


def _errand_for_need(g: _Gen, household: dict[str, Any], need_id: str, kind: str, details: str,
                     volunteer_id: str, requested: datetime) -> Record:
    errand: dict[str, Any] = {
        "household_id": household["id"], "grid_id": household["grid_id"], "need_id": need_id,
        "type": kind, "details": details, "volunteer_id": volunteer_id,
        "status": ErrandStatus.ASSIGNED.value, "requested_at": iso(requested),
    }
    if g.rng.random() < 0.5:
        errand.update(status=ErrandStatus.IN_PROGRESS.value, started_at=iso(requested + timedelta(hours=2)))
    return "errand", g.uid(), errand


def _resolution_time(g: _Gen, raised: datetime, deadline: str) -> datetime:
    """Mostly on or before the deadline day; one in ten a few days late."""
    allowed = (date.fromisoformat(deadline) - raised.date()).days
    days = allowed + g.rng.randint(1, 5) if g.rng.random() < 0.1 else g.rng.randint(0, allowed)
    return raised + timedelta(days=days, hours=g.rng.randint(1, 4))


def _follow_up(g: _Gen, need: dict[str, Any], plan: _NeedPlan, resolved: datetime, step: Any) -> list[Record]:
    moment = resolved + timedelta(days=g.rng.randint(1, 5), hours=1)
    mood = g.rng.choices(["satisfied", "basically", "not_satisfied"], [90, 8, 2])[0]
    follow_up = {"at": iso(moment), "by": plan.worker_id, "satisfaction": mood,
                 "notes": "回访居民，对办理结果表示满意。" if mood == "satisfied" else "居民基本认可。"}
    if not step(NeedEventKind.FOLLOWED_UP, moment, follow_up=follow_up):
        return []
    step(NeedEventKind.CLOSED, moment + timedelta(minutes=5))
    if not plan.with_entries:
        return []
    entry = _entry(g, plan.household, plan.worker_id, moment, VisitKind.FOLLOW_UP,
                   f"回访：{need['title']}。{follow_up['notes']}")
    return [("diary_entry", entry.pop("id"), entry)]


NEED_TARGETS = {"open": 15, "accepted": 15, "escalated": 10, "resolved": 15, "closed": 45}


def _needs(g: _Gen, households: list[dict[str, Any]], worker_id: str, coordinator_id: str,
           count: int, with_entries: bool, max_days: int, volunteer_id: str | None = None) -> list[Record]:
    weights = [4 if h["tags"] else 1 for h in households]
    out: list[Record] = []
    for i in range(count):
        household = g.rng.choices(households, weights)[0]
        # the first few cover every status, so small grids still show them all
        target = list(NEED_TARGETS)[i] if i < len(NEED_TARGETS) else g.rng.choices(
            list(NEED_TARGETS), list(NEED_TARGETS.values()))[0]
        raised = g.at(g.rng.randint(2, max_days))
        plan = _NeedPlan(household, worker_id, coordinator_id, raised, target, with_entries)
        if volunteer_id and i in (5, 6):  # two needs per grid become errands for the volunteer
            plan.target, plan.volunteer_id, plan.raised = "accepted", volunteer_id, g.at(g.rng.randint(2, 6))
        out += _need_records(g, plan)
    return out


# ------------------------------------------------------------- errands


def _errands(g: _Gen, households: list[dict[str, Any]], volunteer_id: str, count: int) -> list[Record]:
    """Errands for the volunteer, in every status, for older special households first."""
    elderly = [h for h in households if h["tags"]] or households
    statuses = [s.value for s in ErrandStatus]
    out: list[Record] = []
    for i in range(count):
        household = g.rng.choice(elderly)
        kind, details = n.ERRAND_TEMPLATES[i % len(n.ERRAND_TEMPLATES)]
        status = statuses[i % len(statuses)]
        requested = g.at(g.rng.randint(3, 20))
        errand: dict[str, Any] = {
            "household_id": household["id"], "grid_id": household["grid_id"], "type": kind,
            "details": details, "status": status, "requested_at": iso(requested),
            "volunteer_id": None if status == ErrandStatus.REQUESTED else volunteer_id,
        }
        if status in ("in_progress", "done", "confirmed"):
            errand["started_at"] = iso(requested + timedelta(days=1))
        if status in ("done", "confirmed"):
            errand["done_at"] = iso(requested + timedelta(days=2))
        if status == "confirmed":
            errand.update(resident_confirmed=True, confirmation_note="已收到回执，谢谢。",
                          confirmed_at=iso(requested + timedelta(days=2, hours=3)))
        out.append(("errand", g.uid(), errand))
    return out


def _comments(g: _Gen, entries: list[dict[str, Any]], coordinator_id: str) -> list[Record]:
    out: list[Record] = []
    for entry in entries:
        if g.rng.random() < 0.08:
            moment = datetime.fromisoformat(entry["visited_at"].replace("Z", "+00:00")) + timedelta(days=1)
            if moment.date() < g.today:
                out.append(("comment", g.uid(), {
                    "entry_id": entry["id"], "grid_id": entry["grid_id"], "author_id": coordinator_id,
                    "at": iso(moment), "text": g.rng.choice(n.REVIEW_COMMENTS)}))
    return out


# ------------------------------------------------------------- assembly


def _users(g: _Gen, grids: list[DemoGrid]) -> list[DemoUser]:
    all_grids = [grid.id for grid in grids]
    users = [DemoUser(f"worker{i + 1}", DEMO_PASSWORD, WORKER_NAMES[i % len(WORKER_NAMES)], Role.WORKER.value,
                      [grid.id], g.uid(), g.phone()) for i, grid in enumerate(grids)]
    users.append(DemoUser("volunteer1", DEMO_PASSWORD, "孙小红", Role.VOLUNTEER.value, [],
                          g.uid(), g.phone()))
    users.append(DemoUser("coordinator1", DEMO_PASSWORD, "李淑华", Role.COORDINATOR.value, all_grids,
                          g.uid(), g.phone()))
    users.append(DemoUser("admin", DEMO_PASSWORD, "系统管理员", Role.ADMIN.value, [], g.uid()))
    return users


def _record(entity: str, fields: dict[str, Any]) -> Record:
    """(entity, id, fields without the id): the generators keep the id inline."""
    return entity, fields["id"], {k: v for k, v in fields.items() if k != "id"}


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def build_demo(seed: int = 7, *, households_per_grid: int = 100, entries: int | None = None,
               needs: int | None = None, errands: int = 10, grid_count: int = 3,
               today: date | None = None) -> DemoCommunity:
    """The demo community. `entries`/`needs` are totals over the community;
    left None, a realistic ~60-day history is made instead."""
    today = today or datetime.now(UTC).date()
    g = _Gen(seed, today)
    community_id = g.uid()
    community = {
        "name": n.COMMUNITY_NAME, "cadence_days": {str(k): v for k, v in DEFAULT_CADENCE_DAYS.items()},
        "regular_interval_days": DEFAULT_REGULAR_INTERVAL_DAYS,
        "monthly_visit_quota": DEFAULT_MONTHLY_VISIT_QUOTA,
    }
    grids = [DemoGrid(g.uid(), n.GRID_NAMES[i % len(n.GRID_NAMES)]) for i in range(grid_count)]
    users = _users(g, grids)
    coordinator = next(u for u in users if u.role == Role.COORDINATOR)
    volunteer = next(u for u in users if u.role == Role.VOLUNTEER)
    records: list[Record] = [("community", community_id, community)]
    records += [("grid", grid.id, {"community_id": community_id, "name": grid.name}) for grid in grids]
    per_grid = [_households(g, grid, i, households_per_grid) for i, grid in enumerate(grids)]
    history = entries is None
    entry_counts = _split(entries or 0, grid_count)
    need_total = needs if needs is not None else round(0.2 * households_per_grid * grid_count)
    diary: list[dict[str, Any]] = []
    need_records: list[Record] = []
    for i, households in enumerate(per_grid):
        worker = users[i].id
        diary += (_history_entries(g, households, worker, community) if history
                  else _bulk_entries(g, households, worker, entry_counts[i]))
        need_records += _needs(g, households, worker, coordinator.id, _split(need_total, grid_count)[i],
                               history, 50 if history else 365, volunteer.id if history else None)
    all_households = [h for hs in per_grid for h in hs]
    records += [_record("household", h) for h in all_households]
    records += [_record("diary_entry", e) for e in diary]
    records += [r for r in need_records if r[0] == "diary_entry"]
    for entity in ("need", "need_event", "errand"):
        records += [r for r in need_records if r[0] == entity]
    records += _errands(g, all_households, volunteer.id, errands)
    visits = diary + [dict(f, id=rid) for e, rid, f in need_records if e == "diary_entry"]
    records += _comments(g, visits, coordinator.id)
    return DemoCommunity(community_id, grids, users, records, today)
