"""The knowledge-flow queue on PostgreSQL: procrastinate's tables, functions and types.

On PostgreSQL, analyses are queued through procrastinate (``communities.flow.queue``);
its schema is applied here, from the installed procrastinate, so ``nic migrate`` is the
one command that prepares a database. SQLite keeps the ``flow_job`` table. A newer
procrastinate with schema changes comes with a migration of ours that applies its
migration files (pyproject pins the minor version for that reason).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


def _on_postgres(schema_editor) -> bool:  # type: ignore[no-untyped-def]
    return schema_editor.client.capabilities.dialect == "postgres"


async def apply_procrastinate_schema(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    if not _on_postgres(schema_editor):
        return
    from procrastinate.schema import SchemaManager

    await schema_editor.client.execute_script(SchemaManager.get_schema())


async def drop_procrastinate_schema(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    if not _on_postgres(schema_editor):
        return
    await schema_editor.client.execute_script(
        """
        DO $$ DECLARE item record; BEGIN
          FOR item IN SELECT tablename FROM pg_tables
                      WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate%' LOOP
            EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', item.tablename);
          END LOOP;
          FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                      JOIN pg_namespace n ON n.oid = p.pronamespace
                      WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%' LOOP
            EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', item.signature);
          END LOOP;
          FOR item IN SELECT t.typname FROM pg_type t
                      JOIN pg_namespace n ON n.oid = t.typnamespace
                      WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate%'
                        AND t.typtype = 'e' LOOP
            EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', item.typname);
          END LOOP;
        END $$;
        """
    )


class Migration(migrations.Migration):
    dependencies = [("communities", "0005_flow_results")]

    initial = False

    operations = [ops.RunPython(apply_procrastinate_schema, drop_procrastinate_schema)]
