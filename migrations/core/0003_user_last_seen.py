from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("core", "0002_sign_in_attempts")]

    initial = False

    operations = [
        ops.AddField(
            model_name="User",
            name="last_seen_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
