from django.apps import AppConfig


class SpecificationsConfig(AppConfig):
    name = "specifications"
    verbose_name = "Person specifications"
