import getpass
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import ROLE_GROUPS, add_user


class Command(BaseCommand):
    help = (
        "Create a user with a role. The password comes from EVALBASE_USER_PASSWORD or is typed "
        "at a prompt; there is no default."
    )
    password_variable = "EVALBASE_USER_PASSWORD"

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", required=True, choices=list(ROLE_GROUPS))
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, email, superuser=False, **options):
        password = self.read_password(username)
        try:
            user = add_user(username=username, role=role, email=email, password=password, superuser=superuser)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        kind = "superuser" if superuser else "user"
        self.stdout.write(self.style.SUCCESS(f"Created {kind} {user.username} ({ROLE_GROUPS[role]})."))

    def read_password(self, username):
        password = os.environ.get(self.password_variable)
        if password:
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                f"No password: set {self.password_variable} or run this command in a terminal to type one."
            )
        password = getpass.getpass(f"Password for {username}: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
