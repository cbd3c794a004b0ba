"""Two defects of moto (5.2) that real AWS does not have, fixed wherever this project runs moto.

- **Transactions are unsafe under concurrency, and cost the whole table per item.** ``TransactWriteItems``
  deep-copies each table it names once per item, before its first write, and a cancelled transaction puts those
  copies back. A copy taken while another thread writes to the table fails ("dictionary changed size during
  iteration"), and a cancellation puts back a whole table, dropping whatever other requests wrote meanwhile.
  Nor is a transaction isolated: its items and other requests' writes interleave. Real DynamoDB isolates each
  transaction, at a cost that does not grow with the table: here 100 claims on a table of 2,000 items took 6.3 s
  of CPU. :func:`fixed_moto` lets one write (a transaction, or one put, update or delete) at a time
  into the table, rolls a cancelled transaction back through the items it names, and copies no table.
- **Each message sent counts the whole queue.** ``SQSBackend.send_message`` builds every queue attribute to read
  ``ContentBasedDeduplication``, and building them counts each message in the queue three times. Sending N
  messages to an unread queue therefore costs O(N²): about a minute of CPU for 1,500. :func:`fixed_moto` reads
  the FIFO flags without the counts.

Neither fix changes an answer or the state moto leaves: ``tests/integration/test_moto_fixes.py`` runs each case on
:func:`stock_moto` and then on the fixed one, and compares. :func:`~newsingest_tools.local.deploy.moto_server`,
the in-process stack and the test session apply them. The Lambda runtime never imports moto.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

_state_lock = threading.RLock()
_originals: list[tuple[Any, str, Any]] = []  # (owner, attribute, moto's own value) while the fixes are applied


@contextmanager
def fixed_moto() -> Iterator[None]:
    """The fixes, for as long as this lasts; inside another use (already fixed) it changes nothing."""
    with _state_lock:
        applied_here = not _originals
        if applied_here:
            _apply()
    try:
        yield
    finally:
        if applied_here:
            with _state_lock:
                _restore_originals()


@contextmanager
def stock_moto() -> Iterator[None]:
    """moto as it ships, for as long as this lasts, even inside :func:`fixed_moto` (to compare against it)."""
    with _state_lock:
        was_fixed = bool(_originals)
        if was_fixed:
            _restore_originals()
    try:
        yield
    finally:
        with _state_lock:
            if was_fixed and not _originals:
                _apply()


def _apply() -> None:
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table
    from moto.sqs.models import Queue

    build_attributes = Queue.__dict__["attributes"].fget
    real_copy, transact_write_items = models.copy, models.DynamoDBBackend.transact_write_items
    no_snapshots = _NoTableSnapshots(real_copy, Table)

    def transact_by_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
        with _writes:
            touched = _touched_items(backend, transact_items, real_copy)
            with no_snapshots.transaction():
                try:
                    return transact_write_items(backend, transact_items)
                except Exception:
                    _roll_back(backend, touched)
                    raise

    replacements: list[tuple[Any, str, Any]] = [
        (Queue, "attributes", property(lambda queue: _QueueAttributes(queue, build_attributes))),
        (models, "copy", no_snapshots),
        (models.DynamoDBBackend, "transact_write_items", transact_by_items)]
    replacements += [(models.DynamoDBBackend, name, _one_writer_at_a_time(models.DynamoDBBackend.__dict__[name]))
                     for name in _SINGLE_WRITES]
    for owner, attribute, value in replacements:
        _originals.append((owner, attribute, owner.__dict__[attribute]))
        setattr(owner, attribute, value)


# moto's DynamoDB takes no lock: a transaction's items and another request's writes interleave, so a transaction
# could decide on an item another request is changing, and its rollback could undo that request's write. Real
# DynamoDB isolates each transaction from every other write to its items; one writer at a time does it here.
_writes = threading.RLock()  # re-entrant: moto's transaction calls its own put_item, update_item, delete_item
_SINGLE_WRITES = ("put_item", "update_item", "delete_item")  # a batch write is a put or delete per item


def _one_writer_at_a_time(write: Any) -> Any:
    def locked(backend: Any, *args: Any, **kwargs: Any) -> Any:
        with _writes:
            return write(backend, *args, **kwargs)

    return locked


def _restore_originals() -> None:
    while _originals:
        owner, attribute, value = _originals.pop()
        setattr(owner, attribute, value)


class _QueueAttributes(Mapping[str, Any]):
    """A queue's attributes as moto's ``Queue.attributes`` builds them, the FIFO flags read without the rest."""

    def __init__(self, queue: Any, build_all: Any) -> None:
        self._queue, self._build_all = queue, build_all
        self._all: dict[str, Any] | None = None

    def _everything(self) -> dict[str, Any]:
        if self._all is None:
            self._all = self._build_all(self._queue)
        return self._all

    def __getitem__(self, name: str) -> Any:
        queue = self._queue
        if name not in queue.FIFO_ATTRIBUTES:
            return self._everything()[name]
        if not queue.fifo_queue:  # moto lists the FIFO attributes of FIFO queues only
            raise KeyError(name)
        from moto.core.utils import camelcase_to_underscores

        value = getattr(queue, camelcase_to_underscores(name))
        return str(value).lower() if isinstance(value, bool) else value  # as moto renders a flag

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __len__(self) -> int:
        return len(self._everything())


class _NoTableSnapshots:
    """moto's DynamoDB module's ``copy`` while the fixes are on: inside a transaction of this thread a table's
    "snapshot" is the table itself (``_roll_back`` restores what the transaction touched); any other copy, and
    any copy in another thread, is ``copy``'s own."""

    def __init__(self, real: Any, table_type: type) -> None:
        self._real, self._table_type = real, table_type
        self._local = threading.local()

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if getattr(self._local, "inside", False) and isinstance(value, self._table_type):
            return value
        return self._real.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._local.inside = True
        try:
            yield
        finally:
            self._local.inside = False


def _touched_items(backend: Any, transact_items: list[dict[str, Any]], copy: Any) -> list[tuple[str, Any, Any]]:
    """(table, key, a copy of the item or None) for every item a transaction names, before it runs."""
    touched = []
    for entry in transact_items:
        for write in entry.values():
            table = backend.tables.get(write.get("TableName"))
            if table is None:
                continue
            key = write.get("Key") or {name: write["Item"][name] for name in (table.hash_key_attr, table.range_key_attr)
                                       if name and name in write.get("Item", {})}
            try:
                current = backend.get_item(table.name, key)
            except Exception:  # noqa: BLE001 - a malformed key: moto refuses the transaction before any write
                continue
            touched.append((table.name, key, None if current is None else copy.deepcopy(current)))
    return touched


def _roll_back(backend: Any, touched: list[tuple[str, Any, Any]]) -> None:
    for table_name, key, item in reversed(touched):
        table = backend.tables[table_name]
        hash_key, range_key = backend.get_keys_value(table, key)
        if item is not None:
            backend.put_item(table_name, item.to_json()["Attributes"])
        elif table.get_item(hash_key, range_key) is not None:
            table.delete_item(hash_key, range_key)
