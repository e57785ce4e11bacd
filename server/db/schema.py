"""Tables at the latest schema version (SQLAlchemy Core).

JSON is kept as text on both databases so rows can be spliced into pull
responses without decoding. Times are ISO-8601 UTC text ("...Z"), which
sorts correctly as text on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

ID = 36  # uuid text
TIME = 32


def records_columns() -> list[Column]:
    """The v1 columns of `records` (v2 added `deadline`)."""
    return [
        Column("id", String(ID), primary_key=True),
        Column("entity", String(20), nullable=False),
        Column("community_id", String(ID)),
        Column("grid_id", String(ID)),
        Column("household_id", String(ID)),
        Column("person_id", String(ID)),  # worker / owner / volunteer / author / actor
        Column("status", String(20)),
        Column("at", String(TIME)),  # main time: visited_at, raised_at, requested_at, at
        Column("data", Text, nullable=False),  # JSON: the full record incl. id
        Column("field_hlc", Text, nullable=False),  # JSON: field -> winning HLC
        Column("field_by", Text, nullable=False),  # JSON: field -> user id of that write
        Column("seq", BigInteger, nullable=False),
        Column("updated_at", String(TIME), nullable=False),
    ]


def records_indexes(table: Table) -> list[Index]:
    c = table.c
    return [
        Index("ix_records_seq", c.seq, unique=True),
        Index("ix_records_entity_grid_seq", c.entity, c.grid_id, c.seq),
        Index("ix_records_grid_seq", c.grid_id, c.seq),
        Index("ix_records_community_seq", c.community_id, c.seq),
        Index("ix_records_entity_community_at", c.entity, c.community_id, c.at),
        Index("ix_records_entity_person", c.entity, c.person_id),
    ]


records = Table("records", metadata, *records_columns(), Column("deadline", String(10)))
records_indexes(records)
# v3: a worker's pull of its community's public records (users, the community)
# seeks per entity instead of scanning every community change since the cursor
ix_records_entity_community_seq = Index("ix_records_entity_community_seq", records.c.entity,
                                        records.c.community_id, records.c.seq)

# v4: the household a record belongs to (need events and comments too, through their
# parent), so moving a household finds its whole history with one index seek
ix_records_household_entity = Index("ix_records_household_entity", records.c.household_id, records.c.entity)

# v4: "this record left your scope": pulled as {"entity", "id", "seq", "removed": true}.
# seq comes from the same counter as records.seq, so pull stays one cursor. Audience,
# one index seek each: workers of grid_id who do not also hold to_grid_id; the
# coordinators of community_id (set only when a record left that community); user_id.
scope_exits = Table(
    "scope_exits", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("entity", String(20), nullable=False),
    Column("record_id", String(ID), nullable=False),
    Column("grid_id", String(ID)),
    Column("to_grid_id", String(ID)),
    Column("community_id", String(ID)),
    Column("user_id", String(ID)),
    Column("at", String(TIME), nullable=False),
)
Index("ix_scope_exits_grid_seq", scope_exits.c.grid_id, scope_exits.c.seq)
Index("ix_scope_exits_community_seq", scope_exits.c.community_id, scope_exits.c.seq)
Index("ix_scope_exits_user_seq", scope_exits.c.user_id, scope_exits.c.seq)

counters = Table(
    "counters", metadata,
    Column("name", String(20), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

applied_ops = Table(
    "applied_ops", metadata,
    Column("op_id", String(ID), primary_key=True),
    Column("user_id", String(ID), nullable=False),
    Column("device", String(64), nullable=False),
    Column("applied_at", String(TIME), nullable=False),
)

users = Table(
    "users", metadata,
    Column("id", String(ID), primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(64), nullable=False),
    Column("role", String(20), nullable=False),
    Column("community_id", String(ID)),
    Column("grid_ids", Text, nullable=False),  # JSON list
    Column("phone", String(20)),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", String(TIME), nullable=False),
    # v5: the seq of the user's last scope growth (grids added): a device whose pull
    # cursor is below it pulls from 0 once (server/accounts.py, server/pull.py)
    Column("scope_reset_seq", BigInteger),
)

tokens = Table(
    "tokens", metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("user_id", String(ID), nullable=False, index=True),
    Column("device", String(64), nullable=False),
    Column("created_at", String(TIME), nullable=False),
    Column("expires_at", String(TIME), nullable=False),
    Column("revoked_at", String(TIME)),
)

login_failures = Table(
    "login_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, index=True),
    Column("address", String(64), nullable=False, index=True),
    Column("at", String(TIME), nullable=False),
)

photos = Table(
    "photos", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("uploaded_by", String(ID), nullable=False),
    Column("created_at", String(TIME), nullable=False),
)

device_status = Table(
    "device_status", metadata,
    Column("user_id", String(ID), primary_key=True),
    Column("device", String(64), primary_key=True),
    Column("last_push_at", String(TIME)),
    Column("last_pull_at", String(TIME)),
    Column("pending_reported", Integer, nullable=False, default=0),
    Column("rejected_total", Integer, nullable=False, default=0),
    # v5: the users.scope_reset_seq this device's last pull from 0 was made under
    Column("full_pull_seq", BigInteger),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(TIME), nullable=False),
    Column("actor_id", String(ID)),
    Column("action", String(40), nullable=False),
    Column("entity", String(20)),
    Column("record_id", String(ID)),
    Column("detail", Text),
)
