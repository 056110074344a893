from django.apps import AppConfig


class SpecificationsConfig(AppConfig):
    name = "specifications"
    verbose_name = "Person specifications"

    def ready(self) -> None:
        from specifications import signals  # noqa: F401 - connects the receivers
