"""Alembic environment: runs migrations on the connection handed over by ``db.upgrade``."""

from alembic import context

from zerowaste.submission.server.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `alembic` run by hand, which we do not use
    raise RuntimeError("run migrations through zerowaste.submission.server.db.upgrade(engine)")
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
