from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial"), ("core", "0001_initial")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Community",
            name="change_counter",
            field=fields.IntField(default=0, db_default=0),
        ),
    ]
