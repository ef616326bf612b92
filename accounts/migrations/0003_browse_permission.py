"""The permission to browse when browsing is private, granted to every role.

Until now any signed-in person could browse a private site; a person without a role now cannot.
"""

import django.contrib.auth.models
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["Evaluator", "Staff", "Admin"]


def grant_browsing(apps, schema_editor):
    db = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("accounts"), verbosity=0, using=db, apps=apps)
    browse = apps.get_model("auth", "Permission").objects.using(db).get(
        content_type__app_label="accounts", codename="browse")
    for group in apps.get_model("auth", "Group").objects.using(db).filter(name__in=ROLES):
        group.permissions.add(browse)


def withdraw_browsing(apps, schema_editor):
    db = schema_editor.connection.alias
    apps.get_model("auth", "Permission").objects.using(db).filter(
        content_type__app_label="accounts", codename="browse").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_roles_after_layers'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='Account',
            fields=[
            ],
            options={
                'permissions': [('browse', 'Can browse the evidence when browsing is private')],
                'proxy': True,
                'default_permissions': (),
                'indexes': [],
                'constraints': [],
            },
            bases=('auth.user',),
            managers=[
                ('objects', django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.RunPython(grant_browsing, withdraw_browsing),
    ]
