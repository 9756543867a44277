from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("communities", "0006_durable_flow_queue")]

    initial = False

    operations = [
        ops.AddField(
            model_name="FlowResult",
            name="version",
            field=fields.IntField(default=1, db_default=1),
        ),
    ]
