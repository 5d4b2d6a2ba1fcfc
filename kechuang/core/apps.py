from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kechuang.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from kechuang.core import audit, checks, figures, pagecache  # noqa: F401

        audit.connect()
        pagecache.connect()
        figures.autodiscover()
