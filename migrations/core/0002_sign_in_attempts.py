from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SignInAttempt",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("email", fields.CharField(db_index=True, max_length=254)),
                ("address", fields.CharField(db_index=True, max_length=64)),
                (
                    "created_at",
                    fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True),
                ),
            ],
            options={
                "table": "nic_sign_in_attempt",
                "app": "core",
                "pk_attr": "id",
                "table_description": "A failed sign-in, kept briefly to rate-limit guessing across app processes.",
            },
            bases=["Model"],
        ),
    ]
