"""SQL shared by the store backends: identifiers, filters, and Arrow conformance."""

from __future__ import annotations

import pyarrow as pa

from pantau.schema import STORE_TABLES, StoreTable
from pantau.store.base import OPS, StoreError, Where


def table_def(name: str) -> StoreTable:
    try:
        return STORE_TABLES[name]
    except KeyError:
        raise StoreError(f"no table {name!r} (known: {', '.join(STORE_TABLES)})") from None


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def where_sql(table: StoreTable, where: Where | None, placeholder: str = "?"
              ) -> tuple[str, list[object]]:
    """' WHERE a = ? AND b >= ?' and its parameters; columns are checked against the
    schema, so a filter can never inject SQL."""
    if not where:
        return "", []
    names = {c.name for c in table.columns}
    clauses: list[str] = []
    params: list[object] = []
    for column, condition in where.items():
        if column not in names:
            raise StoreError(f"{table.name} has no column {column!r}")
        op, value = condition if isinstance(condition, tuple) else ("=", condition)
        if op not in OPS:
            raise StoreError(f"unknown operator {op!r} (use one of {', '.join(OPS)})")
        if value is None:
            clauses.append(f"{quote(column)} IS {'NOT ' if op == '!=' else ''}NULL")
            continue
        clauses.append(f"{quote(column)} {op} {placeholder}")
        params.append(value)
    return " WHERE " + " AND ".join(clauses), params


def order_sql(table: StoreTable, order_by: str | None) -> str:
    if order_by is None:
        return ""
    column, _, direction = order_by.partition(" ")
    if column not in {c.name for c in table.columns}:
        raise StoreError(f"{table.name} has no column {column!r}")
    if direction.lower() not in ("", "asc", "desc"):
        raise StoreError(f"order direction must be asc or desc, not {direction!r}")
    return f" ORDER BY {quote(column)} {direction.upper()}"


def conform(table: StoreTable, rows: pa.Table) -> pa.Table:
    """rows with exactly the table's columns and types (missing columns become null)."""
    schema = table.schema
    unknown = set(rows.column_names) - set(schema.names)
    if unknown:
        raise StoreError(f"{table.name} has no column(s) {', '.join(sorted(unknown))}")
    missing = [k for k in table.key if k not in rows.column_names]
    if missing:
        raise StoreError(f"{table.name} rows need their key column(s) {', '.join(missing)}")
    arrays = []
    for field in schema:
        if field.name in rows.column_names:
            arrays.append(rows[field.name].cast(field.type))
        else:
            arrays.append(pa.nulls(rows.num_rows, field.type))
    return pa.Table.from_arrays(arrays, schema=schema)
