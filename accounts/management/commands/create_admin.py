from .add_user import Command as AddUserCommand


class Command(AddUserCommand):
    help = (
        "Create a superuser in the Admin group. The password comes from EVALBASE_ADMIN_PASSWORD "
        "or is typed at a prompt; there is no default."
    )
    password_variable = "EVALBASE_ADMIN_PASSWORD"

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)

    def handle(self, *args, **options):
        super().handle(*args, role="admin", superuser=True, **options)
