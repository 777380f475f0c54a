"""Fast multi-row INSERT for append-only rows (entry lines, audit events) written by the thousand.

Django's bulk_create builds a model instance and prepares each value through the query compiler, which costs
more than the database itself when posting batches; here each field's database preparation is looked up
once and rows go to `executemany` as plain tuples. Only for rows that need no pk back and no save() logic.
"""

from django.db import connection, models

# Values the database drivers take as they are (both sqlite3 with Django's adapters and psycopg).
_PASS_THROUGH = (models.ForeignKey, models.BooleanField, models.IntegerField, models.CharField,
                 models.DecimalField, models.TextField)


def _preparer(field):
    """None when the driver takes the Python value directly, else the field's own preparation."""
    if isinstance(field, _PASS_THROUGH) or type(field) is models.DateField:
        return None
    cache: dict = {}  # a batch repeats the same timestamp thousands of times

    def prepare(value):
        try:
            return cache[value]
        except KeyError:
            cache[value] = prepared = field.get_db_prep_save(value, connection)
            return prepared
        except TypeError:  # unhashable (JSON)
            return field.get_db_prep_save(value, connection)

    return prepare


def insert_rows(model, fields: list[str], rows: list[tuple], *, batch_size: int = 5000) -> None:
    """Insert `rows` (tuples of Python values in `fields` order, FKs given as ids) into `model`'s table."""
    if not rows:
        return
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    # Columns not given take their model default, as an ORM insert would.
    defaults = [f for f in meta.concrete_fields if not f.primary_key and f.name not in fields]
    columns += defaults
    tail = tuple(f.get_default() for f in defaults)
    prepare = [_preparer(field) for field in columns]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(meta.db_table),
        ", ".join(connection.ops.quote_name(field.column) for field in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            chunk = rows[start:start + batch_size]
            cursor.executemany(sql, [
                tuple(v if p is None else p(v) for p, v in zip(prepare, row + tail, strict=True)) for row in chunk
            ])
