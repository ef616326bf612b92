"""Make (or remove) a synthetic portfolio for demonstrations and benchmarks; never mixed with the reports."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from demo import generator


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=1000, help="how many synthetic projects (default 1000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed makes the same data")
        parser.add_argument("--remove", action="store_true", help="delete every synthetic record instead")
        parser.add_argument("--quiet", action="store_true", help="no progress bars")

    def handle(self, *args, projects, seed, remove, quiet, **options):
        if remove:
            count = generator.remove()
            self.stdout.write(self.style.SUCCESS(f"Removed the synthetic data ({count} synthetic evaluations)."))
            return
        if projects < 1:
            raise CommandError("--projects must be at least 1.")

        def progress(iterable, **kwargs):
            return iterable if quiet else tqdm(iterable, file=self.stderr._out, leave=False, **kwargs)
        try:
            made = generator.generate(projects=projects, seed=seed, progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Made synthetic data: {made}."))
