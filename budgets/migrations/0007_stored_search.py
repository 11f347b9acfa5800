"""Search: budget lines and subsidies keep their search vector and text in columns of their own.

PostgreSQL only, outside Django's migration state like the search indexes of `0004_search`.
Ranking a common word's matches computed `to_tsvector` for each of them twice (to match and to
rank), and a subsidy is searched by its recipient's and instrument's names, which live in other
tables that no index of the subsidy can cover: the search page took seconds at scale. Now:

- `search_vector` (the weighted Dutch tsvector of the model's `search_fields`) and
  `search_text` (the same fields joined by spaces, for trigram matching), each with a GIN index;
- a trigger fills both on every insert and on every update of the fields they are made of;
- a trigger on organisations and programs refreshes the subsidies of one whose name changed.

They are not model fields: nothing in Django reads or writes them except the search
(`SearchQuerySet.stored_search`), they have no history and no export shows them. Their
expressions must be `programs.search.search_vector` and `search_text` of the same fields, or a
stored search would find and rank differently from a computed one: `tests/test_search.py` checks.
"""

from django.db import migrations

from programs.migrations._search_indexes import make_search_indexes

# The search indexes of 0004_search, on the computed expressions the columns replace.
COMPUTED = {"budgetline": (("label", "A"), ("note", "C"))}


def vector(*parts):
    return " || ".join(
        f"setweight(to_tsvector('dutch', COALESCE({value}, '')), '{weight}')"
        for value, weight in parts
    )


def text(*values):
    return " || ' ' || ".join(f"COALESCE({value}, '')" for value in values)


BUDGET_LINE = f"""
CREATE FUNCTION budgets_budgetline_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := {vector(("NEW.label", "A"), ("NEW.note", "C"))};
    NEW.search_text := {text("NEW.label", "NEW.note")};
    RETURN NEW;
END $$;
ALTER TABLE budgets_budgetline ADD COLUMN search_vector tsvector, ADD COLUMN search_text text;
CREATE TRIGGER budgets_budgetline_search
    BEFORE INSERT OR UPDATE OF label, note ON budgets_budgetline
    FOR EACH ROW EXECUTE FUNCTION budgets_budgetline_search();
UPDATE budgets_budgetline SET label = label;
CREATE INDEX budgetline_search_vector ON budgets_budgetline USING gin (search_vector);
CREATE INDEX budgetline_search_text ON budgets_budgetline USING gin (search_text gin_trgm_ops);
"""

SUBSIDY_VECTOR = vector(
    ("recipient", "A"), ("instrument", "A"), ("NEW.description", "C"), ("NEW.slug", "D")
)
SUBSIDY = f"""
CREATE FUNCTION budgets_subsidy_search() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    recipient text := (SELECT name FROM programs_organisation WHERE id = NEW.recipient_id);
    instrument text := (SELECT name FROM programs_program WHERE id = NEW.instrument_id);
BEGIN
    NEW.search_vector := {SUBSIDY_VECTOR};
    NEW.search_text := {text("recipient", "instrument", "NEW.description", "NEW.slug")};
    RETURN NEW;
END $$;
ALTER TABLE budgets_subsidy ADD COLUMN search_vector tsvector, ADD COLUMN search_text text;
CREATE TRIGGER budgets_subsidy_search
    BEFORE INSERT OR UPDATE OF recipient_id, instrument_id, description, slug ON budgets_subsidy
    FOR EACH ROW EXECUTE FUNCTION budgets_subsidy_search();
UPDATE budgets_subsidy SET slug = slug;
CREATE INDEX subsidy_search_vector ON budgets_subsidy USING gin (search_vector);
CREATE INDEX subsidy_search_text ON budgets_subsidy USING gin (search_text gin_trgm_ops);
"""


# A subsidy is searched by its recipient's and instrument's names: when one is renamed, setting
# the subsidy's key to itself fires the subsidy's own trigger, which reads the new name.
RENAMED = {"recipient": "programs_organisation", "instrument": "programs_program"}


def renamed(key, table):
    name = f"budgets_subsidy_{key}_renamed"
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE budgets_subsidy SET {key}_id = {key}_id WHERE {key}_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER {name}
    AFTER UPDATE OF name ON {table}
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION {name}();
"""


def undo_renamed(key, table):
    name = f"budgets_subsidy_{key}_renamed"
    return f"DROP TRIGGER {name} ON {table};\nDROP FUNCTION {name}();\n"


UNDO = """
DROP TRIGGER budgets_subsidy_search ON budgets_subsidy;
DROP FUNCTION budgets_subsidy_search();
ALTER TABLE budgets_subsidy DROP COLUMN search_vector, DROP COLUMN search_text;
DROP TRIGGER budgets_budgetline_search ON budgets_budgetline;
DROP FUNCTION budgets_budgetline_search();
ALTER TABLE budgets_budgetline DROP COLUMN search_vector, DROP COLUMN search_text;
"""

add_computed_indexes, remove_computed_indexes = make_search_indexes("budgets", COMPUTED)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BUDGET_LINE)
    schema_editor.execute(SUBSIDY)
    for key, table in RENAMED.items():
        schema_editor.execute(renamed(key, table))
    remove_computed_indexes(apps, schema_editor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    add_computed_indexes(apps, schema_editor)
    for key, table in RENAMED.items():
        schema_editor.execute(undo_renamed(key, table))
    schema_editor.execute(UNDO)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0006_stable_order")]

    operations = [migrations.RunPython(forwards, backwards)]
