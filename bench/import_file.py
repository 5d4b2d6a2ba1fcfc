"""One import in a fresh process, so its peak memory is its own:
`python -m bench.import_file FILE --user NAME [--dry-run]` prints JSON with the seconds
`excel.run_import` took, the process's peak resident memory and the summary."""

import argparse
import json
import os
import time

from bench.common import peak_memory_mb


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--user", required=True)
    parser.add_argument("--kind", default="enterprises")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kechuang.settings")
    import django

    django.setup()
    from kechuang.core import excel
    from kechuang.core.models import User

    spec = excel.get_spec(args.kind)
    user = User.objects.get(username=args.user)
    with open(args.file, "rb") as handle:
        content = handle.read()
    start = time.perf_counter()
    result = excel.run_import(spec, content, user, dry_run=args.dry_run, batch="bench")
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_memory_mb(),
                "committed": result.committed,
                "summary": result.summary(),
                "errors": [str(e) for e in result.errors[:5]],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
